// The current state of a restriction, on each record of the customer: an edge to the purpose while it holds
// (every consumer checks it in its own query), removed when it is lifted.
MATCH (:Customer {id: $id})-[:HAS_RECORD]->(r:SourceRecord)
MERGE (p:Purpose {name: $purpose})
MERGE (r)-[x:RESTRICTED]->(p)
SET x.kind = $kind, x.since = $at, x.event = $key
