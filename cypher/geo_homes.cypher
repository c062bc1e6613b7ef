// Homes with a point and how many customers live there now: what the map clusters (no names, no ids), not
// counting customers who restricted or objected to marketing.
// The town is returned so that a role seeing homes coarsened can place them at its centre.
MATCH (h:Home)<-[:LIVES_AT]-(c:Customer)
WHERE h.latitude IS NOT NULL AND NOT EXISTS { (c)-[:HAS_RECORD]->(:SourceRecord)-[:RESTRICTED]->(:Purpose {name: 'marketing'}) }
WITH h, count(c) AS customers
RETURN h.latitude AS latitude, h.longitude AS longitude, h.precision AS precision, h.city AS city,
       h.country AS country, customers
LIMIT $limit
