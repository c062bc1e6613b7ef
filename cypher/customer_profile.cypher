// A customer with its source records and their identifiers: one row per record, O(neighbourhood).
MATCH (c:Customer {id: $id})
OPTIONAL MATCH (c)-[:HAS_RECORD]->(r:SourceRecord)
OPTIONAL MATCH (r)-[:HAS_IDENTIFIER]->(i:Identifier)
WITH c, r, collect(i {.type, .value}) AS identifiers
RETURN properties(c) AS customer, properties(r) AS record, identifiers
ORDER BY record.key
