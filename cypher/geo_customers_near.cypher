// Customers whose current home or usual store lies within $metres of a point, nearest first. Homes and
// stores are first cut to the bounding box on their indexed latitude, then measured exactly.
WITH point({latitude: $latitude, longitude: $longitude}) AS centre
CALL {
  WITH centre
  MATCH (h:Home)
  WHERE h.latitude >= $south AND h.latitude <= $north AND h.longitude >= $west AND h.longitude <= $east
  MATCH (c:Customer)-[:LIVES_AT {current: true}]->(h)
  RETURN c, point.distance(h.location, centre) AS metres, 'home' AS via
  UNION ALL
  WITH centre
  MATCH (s:Store)
  WHERE s.latitude >= $south AND s.latitude <= $north AND s.longitude >= $west AND s.longitude <= $east
  MATCH (c:Customer)-[:SHOPS_AT {usual: true}]->(s)
  RETURN c, point.distance(s.location, centre) AS metres, 'usual store' AS via
}
WITH c, metres, via
WHERE metres <= $metres
ORDER BY metres
WITH c, collect(via) AS ways, min(metres) AS metres
RETURN c.id AS id, metres, ways[0] AS via
ORDER BY metres, id
LIMIT $limit
