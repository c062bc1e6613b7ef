// Source records by key, as a customer's records show them: only those a customer holds (node(id:)), with
// the ids of the customers holding them (the access log names whose record was read).
UNWIND $keys AS key
MATCH (r:SourceRecord {key: key})
WHERE EXISTS { (:Customer)-[:HAS_RECORD]->(r) }
OPTIONAL MATCH (r)-[:HAS_IDENTIFIER]->(i:Identifier)
WITH r, collect(i {.type, .value}) AS identifiers
MATCH (c:Customer)-[:HAS_RECORD]->(r)
RETURN r.key AS key, properties(r) AS record, identifiers, collect(c.id) AS holders
