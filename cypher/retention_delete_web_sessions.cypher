// Expired web sessions deleted with their links; their cookie and logins, for the orphan sweep.
UNWIND $keys AS key
MATCH (w:WebSession {key: key})
OPTIONAL MATCH (w)-[:FROM|LOGGED_IN_AS]->(i:Identifier)
WITH w, collect(i.key) AS identifiers
DETACH DELETE w
RETURN identifiers
