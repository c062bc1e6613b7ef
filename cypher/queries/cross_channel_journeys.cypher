// description: Customers seen on the web who bought both online and in a store, with when each began.
// param limit: 50
// param min_sessions: 1
MATCH (c:Customer)
CALL (c) {
  MATCH (c)-[:HAS_RECORD]->(:SourceRecord)-[:HAS_IDENTIFIER]->(i:Identifier)
  WHERE i.blocked IS NULL OR i.blocked = 'household'
  RETURN collect(DISTINCT i) AS identifiers
}
CALL (identifiers) {
  UNWIND identifiers AS i
  MATCH (i)<-[:BY]-(t:Transaction)
  WITH DISTINCT t
  RETURN count(CASE WHEN t.channel = 'online' THEN 1 END) AS online,
         count(CASE WHEN t.channel = 'store' THEN 1 END) AS in_store,
         min(CASE WHEN t.channel = 'online' THEN t.at END) AS first_online,
         min(CASE WHEN t.channel = 'store' THEN t.at END) AS first_in_store
}
CALL (identifiers) {
  UNWIND identifiers AS i
  MATCH (i)<-[:LOGGED_IN_AS]-(:WebSession)-[:FROM]->(cookie:Identifier)
  MATCH (cookie)<-[:FROM]-(w:WebSession)
  WITH DISTINCT w
  RETURN count(w) AS sessions, min(w.started_at) AS first_visit
}
WITH c, online, in_store, first_online, first_in_store, sessions, first_visit
WHERE sessions >= $min_sessions AND online > 0 AND in_store > 0
RETURN c.id AS customer, sessions, online, in_store, first_visit, first_online, first_in_store
ORDER BY sessions + online + in_store DESC, customer
LIMIT $limit
