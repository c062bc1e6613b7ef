// description: The customer profiles holding the most source records, with the sources they come from.
// param limit: 20
MATCH (c:Customer)-[:HAS_RECORD]->(r:SourceRecord)
WITH c, r
ORDER BY r.source
WITH c, count(r) AS records, collect(DISTINCT r.source) AS sources
RETURN c.id AS customer, c.first_name AS first_name, c.last_name AS last_name, records, sources
ORDER BY records DESC, customer
LIMIT $limit
