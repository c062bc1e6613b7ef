// A customer's records, read inside a correction's transaction after the lock, so its `before` is the
// golden value those records give at that moment. A service-desk record written by a correction that
// resolution has not attached yet is found by its key.
MATCH (c:Customer {id: $id})
OPTIONAL MATCH (c)-[:HAS_RECORD]->(r:SourceRecord)
WITH c, collect(properties(r)) AS records
OPTIONAL MATCH (pending:SourceRecord {key: $key})
RETURN records, properties(pending) AS pending
