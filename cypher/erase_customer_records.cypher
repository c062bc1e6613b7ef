// A customer's records and homes: where an erasure starts.
MATCH (c:Customer {id: $id})
OPTIONAL MATCH (c)-[:HAS_RECORD]->(r:SourceRecord)
WITH c, collect(DISTINCT r.key) AS records
OPTIONAL MATCH (c)-[:LIVES_AT|LIVED_AT]->(h:Home)
RETURN records, collect(DISTINCT h.key) AS homes
