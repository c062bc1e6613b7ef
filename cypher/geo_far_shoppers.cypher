// Customers whose usual store is more than $metres from home: they travel to shop (or moved); not those who
// restricted or objected to marketing.
MATCH (c:Customer)-[:SHOPS_AT {usual: true}]->(s:Store), (c)-[:LIVES_AT]->(h:Home)
WHERE h.location IS NOT NULL AND s.location IS NOT NULL AND NOT EXISTS { (c)-[:HAS_RECORD]->(:SourceRecord)-[:RESTRICTED]->(:Purpose {name: 'marketing'}) }
WITH c, s, h, point.distance(h.location, s.location) AS metres
WHERE metres > $metres
RETURN c.id AS id, s.key AS store, metres
ORDER BY metres DESC, id
LIMIT $limit
