// Remove every node and relationship (tests and `c360 db reset`); batched so large graphs do not need
// one huge transaction.
MATCH (n)
WITH n LIMIT $batch
DETACH DELETE n
RETURN count(*) AS deleted
