// The identifiers of the erased records, and how many other records carry each: only those no other record
// carries are erased (a shared household phone stays with the others).
UNWIND $keys AS key
MATCH (:SourceRecord {key: key})-[:HAS_IDENTIFIER]->(i:Identifier)
WITH DISTINCT i
OPTIONAL MATCH (other:SourceRecord)-[:HAS_IDENTIFIER]->(i)
WHERE NOT other.key IN $keys
WITH i, count(other) AS others
RETURN i.key AS key, i.type AS type, i.value AS value, others
