// Customers whose current home or usual store lies within $metres of a point: one row per way they are
// near (the caller keeps the nearer). Homes are found through the index on their cell (the cells the
// circle touches, computed by the caller), stores are few and all measured. Customers who restricted or
// objected to marketing are never found.
UNWIND $cells AS cell
MATCH (h:Home {cell: cell})
WITH h, point.distance(h.location, point({latitude: $latitude, longitude: $longitude})) AS metres
WHERE metres <= $metres
MATCH (c:Customer)-[:LIVES_AT]->(h)
WHERE NOT EXISTS { (c)-[:HAS_RECORD]->(:SourceRecord)-[:RESTRICTED]->(:Purpose {name: 'marketing'}) }
RETURN c.id AS id, metres, 'home' AS via
UNION ALL
MATCH (s:Store)
WHERE s.location IS NOT NULL
WITH s, point.distance(s.location, point({latitude: $latitude, longitude: $longitude})) AS metres
WHERE metres <= $metres
MATCH (c:Customer)-[:SHOPS_AT {usual: true}]->(s)
WHERE NOT EXISTS { (c)-[:HAS_RECORD]->(:SourceRecord)-[:RESTRICTED]->(:Purpose {name: 'marketing'}) }
RETURN c.id AS id, metres, 'usual store' AS via
