// Customers by id with their source records and each record's identifiers: one row per record.
// Batched for the API's per-request loader, O(neighbourhood) per customer.
UNWIND $ids AS id
MATCH (c:Customer {id: id})
OPTIONAL MATCH (c)-[:HAS_RECORD]->(r:SourceRecord)
OPTIONAL MATCH (r)-[:HAS_IDENTIFIER]->(i:Identifier)
WITH c, r, collect(i {.type, .value}) AS identifiers
RETURN properties(c) AS customer, properties(r) AS record, identifiers
ORDER BY customer.id, record.key
