// Customers whose profile changed since the last locate run (all when $since is null): their golden
// address, and the coordinates a source record gives for that same address (source coordinates win).
MATCH (c:Customer)
WHERE $since IS NULL OR c.updated_at >= $since
OPTIONAL MATCH (c)-[:HAS_RECORD]->(r:SourceRecord)
WHERE r.latitude IS NOT NULL AND r.longitude IS NOT NULL AND r.postcode = c.postcode AND r.street = c.street
WITH c, collect(r)[0] AS exact
RETURN c.id AS id, c.street AS street, c.house_number AS house_number, c.postcode AS postcode, c.city AS city,
       c.country AS country, exact.latitude AS latitude, exact.longitude AS longitude
