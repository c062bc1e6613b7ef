// A note on a ticket, kept as its own node so that a reload of the ticket's source does not erase it;
// a new status (closing sets closed_at) goes on the ticket.
MATCH (t:Ticket {key: $ticket})
CREATE (n:TicketNote {key: $note.key, at: $note.at, by: $note.by, text: $note.text})-[:ON]->(t)
SET t.status = coalesce($note.status, t.status),
    t.closed_at = CASE WHEN $note.status = 'closed' THEN $note.at ELSE t.closed_at END
