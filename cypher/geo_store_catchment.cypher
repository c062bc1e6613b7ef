// Where a store's customers live: each shopper's home and distance, with their visits and spend (not those
// who restricted or objected to marketing).
MATCH (s:Store {key: $key})<-[v:SHOPS_AT]-(c:Customer)
WHERE NOT EXISTS { (c)-[:HAS_RECORD]->(:SourceRecord)-[:RESTRICTED]->(:Purpose {name: 'marketing'}) }
OPTIONAL MATCH (c)-[:LIVES_AT]->(h:Home)
RETURN c.id AS id, v.visits AS visits, v.spend_minor AS spend_minor, v.currency AS currency, v.usual AS usual,
       h.latitude AS latitude, h.longitude AS longitude, h.precision AS precision, h.city AS city,
       h.country AS country,
       CASE WHEN h.location IS NULL OR s.location IS NULL THEN null ELSE point.distance(h.location, s.location) END AS metres
ORDER BY visits DESC, id
