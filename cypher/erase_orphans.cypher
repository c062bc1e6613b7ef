// Identifiers nothing points to any more (no record carries them, no event, session or cookie uses them):
// deleted; the devices a deleted cookie was seen on, to sweep next.
UNWIND $keys AS key
MATCH (i:Identifier {key: key})
WHERE NOT EXISTS { MATCH (i)<--() }
OPTIONAL MATCH (i)-[:SEEN_ON]->(d:Identifier)
WITH i, collect(d.key) AS devices
DETACH DELETE i
RETURN devices
