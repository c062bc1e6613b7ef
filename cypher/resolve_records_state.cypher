// Profile of each given record now (null when unresolved).
UNWIND $keys AS k
MATCH (r:SourceRecord {key: k})
OPTIONAL MATCH (c:Customer)-[:HAS_RECORD]->(r)
RETURN r.key AS key, c.id AS customer_id
