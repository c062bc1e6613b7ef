// The first statement of a note on a ticket: counting it writes the ticket's node, so notes on one ticket
// happen one after the other (see desk_lock_customer) and each reads the status the previous one left.
MATCH (t:Ticket {key: $key})
SET t.desk_changes = coalesce(t.desk_changes, 0) + 1
RETURN t.desk_changes AS changes
