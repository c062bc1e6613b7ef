// Erased people's consents: personal properties removed (row.removed maps each to null), the links to their
// identifiers replaced by one to the erasure's tombstone.
UNWIND $rows AS row
MATCH (e:ConsentEvent {key: row.key})
SET e += row.removed
WITH e
OPTIONAL MATCH (e)-[old:FOR]->(:Identifier)
DELETE old
WITH DISTINCT e
MATCH (t:Erased {id: $tombstone})
MERGE (e)-[:FOR]->(t)
