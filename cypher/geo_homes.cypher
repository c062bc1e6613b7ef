// Homes with a point and how many customers live there now: what the map clusters (no names, no ids).
MATCH (h:Home)<-[:LIVES_AT]-(c:Customer)
WHERE h.latitude IS NOT NULL
WITH h, count(c) AS customers
RETURN h.latitude AS latitude, h.longitude AS longitude, h.precision AS precision, h.city AS city, customers
LIMIT $limit
