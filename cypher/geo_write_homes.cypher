// Each customer's current home (LIVES_AT, one per customer). A home is shared by the people who live there
// (key = the normalised address); a customer who moved keeps the old one as LIVED_AT {since, until}.
UNWIND $rows AS row
MATCH (c:Customer {id: row.id})
MERGE (h:Home {key: row.key})
SET h += row.home,
    h.location = CASE WHEN row.home.latitude IS NULL THEN null
                      ELSE point({latitude: row.home.latitude, longitude: row.home.longitude}) END
WITH c, h
OPTIONAL MATCH (c)-[old:LIVES_AT]->(other:Home)
WHERE other <> h
FOREACH (_ IN CASE WHEN other IS NULL THEN [] ELSE [1] END |
  CREATE (c)-[:LIVED_AT {since: old.since, until: $now}]->(other))
DELETE old
WITH DISTINCT c, h
MERGE (c)-[l:LIVES_AT]->(h)
  ON CREATE SET l.since = $now
