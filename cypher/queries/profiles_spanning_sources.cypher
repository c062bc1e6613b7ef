// description: The profiles whose records come from the most distinct sources (a 360 seen from everywhere).
// param limit: 20
// param min_sources: 2
MATCH (c:Customer)-[:HAS_RECORD]->(r:SourceRecord)
WITH c, r
ORDER BY r.source
WITH c, count(DISTINCT r.source) AS source_count, collect(DISTINCT r.source) AS sources, count(r) AS records
WHERE source_count >= $min_sources
RETURN c.id AS customer, source_count, sources, records
ORDER BY source_count DESC, records DESC, customer
LIMIT $limit
