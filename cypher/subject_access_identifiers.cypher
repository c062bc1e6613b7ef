// Every identifier a customer's records carry, once per record: when that record first and last carried it,
// and whether resolution may link by it (blocked, and why). Grouped per identifier in Python.
MATCH (:Customer {id: $id})-[:HAS_RECORD]->(r:SourceRecord)-[h:HAS_IDENTIFIER]->(i:Identifier)
RETURN i.key AS key, i.type AS type, i.value AS value, i.blocked AS blocked, r.key AS record,
       h.first_seen AS first_seen, h.last_seen AS last_seen
ORDER BY key, record
