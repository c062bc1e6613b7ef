// Values of exclusive identifier types per record: two different ones mean two people.
MATCH (r:SourceRecord)-[:HAS_IDENTIFIER]->(i:Identifier)
WHERE i.type IN $types
RETURN r.key AS key, r.source AS source, i.type AS type, i.value AS value
