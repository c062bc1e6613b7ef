// The first statement of every change to a customer: counting the change writes the customer's node. On
// Neo4j that takes the node's write lock until commit, so a concurrent change waits; on the embedded store
// (optimistic) a concurrent change fails at commit and is replayed. Either way the changes of one customer
// happen one after the other, in every process, and each reads what the previous one wrote.
MATCH (c:Customer {id: $id})
SET c.desk_changes = coalesce(c.desk_changes, 0) + 1
RETURN c.desk_changes AS changes
