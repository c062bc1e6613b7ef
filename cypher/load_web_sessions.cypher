// Upsert web sessions: the cookie they came from, the devices it lives on, the logins seen in them.
UNWIND $rows AS row
MERGE (w:WebSession {key: row.key})
WITH w, row
WHERE w.hash IS NULL OR w.hash <> row.hash
SET w = row.props, w.load_run = $run_id, w.loaded_at = $loaded_at
MERGE (c:Identifier {key: row.cookie.key})
  ON CREATE SET c.type = 'cookie', c.value = row.cookie.value
MERGE (w)-[:FROM]->(c)
FOREACH (device IN row.devices |
  MERGE (d:Identifier {key: device.key})
    ON CREATE SET d.type = 'device', d.value = device.value
  MERGE (c)-[:SEEN_ON]->(d))
FOREACH (login IN row.logins |
  MERGE (i:Identifier {key: login.key})
    ON CREATE SET i.type = login.type, i.value = login.value
  MERGE (w)-[l:LOGGED_IN_AS]->(i)
  SET l.first_seen = login.first_seen, l.last_seen = login.last_seen, l.events = login.events)
