// Attach each record to its profile, detaching it from the one it had.
UNWIND $rows AS row
MATCH (r:SourceRecord {key: row.key})
OPTIONAL MATCH (:Customer)-[old:HAS_RECORD]->(r)
DELETE old
WITH DISTINCT r, row
MATCH (c:Customer {id: row.customer_id})
CREATE (c)-[:HAS_RECORD {since: $now, run: $run_id}]->(r)
