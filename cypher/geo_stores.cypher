// Every store with coordinates, for the map.
MATCH (s:Store)
WHERE s.latitude IS NOT NULL AND s.longitude IS NOT NULL
OPTIONAL MATCH (s)<-[v:SHOPS_AT]-(:Customer)
WITH s, count(v) AS shoppers
RETURN s.key AS key, s.name AS name, s.city AS city, s.latitude AS latitude, s.longitude AS longitude, shoppers
ORDER BY key
