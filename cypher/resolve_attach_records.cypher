// Attach records that have no profile yet (the first run, new records): nothing to detach.
UNWIND $rows AS row
MATCH (r:SourceRecord {key: row.key})
MATCH (c:Customer {id: row.customer_id})
CREATE (c)-[:HAS_RECORD {since: $now, run: $run_id}]->(r)
