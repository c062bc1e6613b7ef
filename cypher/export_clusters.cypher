MATCH (c:Customer)-[:HAS_RECORD]->(r:SourceRecord)
RETURN r.source AS source, r.source_id AS source_id, c.id AS customer_id
ORDER BY source, source_id
