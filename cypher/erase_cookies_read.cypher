// Cookies that logged in as erased identifiers only (none logged in as anyone else), with the devices they
// were seen on and every cookie seen on those devices.
UNWIND $keys AS key
MATCH (:Identifier {key: key})<-[:LOGGED_IN_AS]-(:WebSession)-[:FROM]->(c:Identifier)
WITH DISTINCT c
WHERE NOT EXISTS {
  MATCH (c)<-[:FROM]-(:WebSession)-[:LOGGED_IN_AS]->(other:Identifier)
  WHERE NOT other.key IN $keys
}
OPTIONAL MATCH (c)-[:SEEN_ON]->(d:Identifier)
OPTIONAL MATCH (d)<-[:SEEN_ON]-(sharer:Identifier)
WITH c, d, collect(DISTINCT sharer.key) AS sharers
RETURN c.key AS key, c.value AS value, collect(CASE WHEN d IS NULL THEN null
                                               ELSE {key: d.key, value: d.value, cookies: sharers} END) AS devices
