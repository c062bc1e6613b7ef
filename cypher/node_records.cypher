// Source records by key, as a customer's records show them: only those a customer holds (node(id:)).
UNWIND $keys AS key
MATCH (r:SourceRecord {key: key})
WHERE EXISTS { (:Customer)-[:HAS_RECORD]->(r) }
OPTIONAL MATCH (r)-[:HAS_IDENTIFIER]->(i:Identifier)
WITH r, collect(i {.type, .value}) AS identifiers
RETURN r.key AS key, properties(r) AS record, identifiers
