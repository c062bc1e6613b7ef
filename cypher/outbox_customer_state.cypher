// What the outbox compares before and after a resolution transaction: each customer's golden values, and
// their records with the source and identifiers of each (one row per record; none: one row, record null).
UNWIND $ids AS id
MATCH (c:Customer {id: id})
OPTIONAL MATCH (c)-[:HAS_RECORD]->(r:SourceRecord)
OPTIONAL MATCH (r)-[:HAS_IDENTIFIER]->(i:Identifier)
WITH c, r, collect(i {.type, .value}) AS identifiers
RETURN c.id AS id, properties(c) AS customer, r.key AS record, r.source AS source, identifiers
ORDER BY id, record
