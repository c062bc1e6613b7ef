// Values of exclusive identifier types carried by the given records: two different ones mean two people.
UNWIND $keys AS k
MATCH (r:SourceRecord {key: k})-[:HAS_IDENTIFIER]->(i:Identifier)
WHERE i.type IN $types
RETURN r.key AS key, r.source AS source, i.type AS type, i.value AS value
