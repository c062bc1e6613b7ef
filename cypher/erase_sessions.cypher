// Erased people's web sessions: the key (which holds the cookie), user agent and pages removed, the cookie
// and login links replaced by one to the erasure's tombstone.
UNWIND $rows AS row
MATCH (w:WebSession {key: row.key})
SET w += row.removed
WITH w
OPTIONAL MATCH (w)-[old:FROM|LOGGED_IN_AS]->(:Identifier)
DELETE old
WITH DISTINCT w
MATCH (t:Erased {id: $tombstone})
MERGE (w)-[:FROM]->(t)
