// The customer holding a record (none when the record was never resolved): `c360 erase --record`.
MATCH (r:SourceRecord {key: $key})
OPTIONAL MATCH (c:Customer)-[:HAS_RECORD]->(r)
RETURN r.key AS key, c.id AS customer
