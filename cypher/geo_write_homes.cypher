// Each customer's current home. A home is shared by the people who live there (key = the normalised
// address); a customer who moved keeps the old LIVES_AT with `until`, so the history stays.
UNWIND $rows AS row
MATCH (c:Customer {id: row.id})
MERGE (h:Home {key: row.key})
SET h += row.home,
    h.location = CASE WHEN row.home.latitude IS NULL THEN null
                      ELSE point({latitude: row.home.latitude, longitude: row.home.longitude}) END
WITH c, h
OPTIONAL MATCH (c)-[old:LIVES_AT {current: true}]->(other:Home)
WHERE other <> h
SET old.current = false, old.until = $now
WITH DISTINCT c, h
MERGE (c)-[l:LIVES_AT]->(h)
  ON CREATE SET l.since = $now
SET l.current = true, l.until = null
