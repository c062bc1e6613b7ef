// description: One customer's purchases, web sessions and tickets in time order, newest first.
// param customer: null
// param limit: 100
MATCH (c:Customer {id: $customer})
CALL (c) {
  MATCH (c)-[:HAS_RECORD]->(:SourceRecord)-[:HAS_IDENTIFIER]->(i:Identifier)
  WHERE i.blocked IS NULL OR i.blocked = 'household'
  RETURN collect(DISTINCT i) AS identifiers
}
CALL (identifiers) {
  UNWIND identifiers AS i
  MATCH (i)<-[:BY]-(t:Transaction)
  OPTIONAL MATCH (t)-[:AT]->(s:Store)
  RETURN DISTINCT t.at AS at, 'purchase' AS event, t.key AS key,
         t.channel + ' ' + toString(t.amount) + ' ' + t.currency + coalesce(' at ' + s.name, '') AS detail
  UNION
  UNWIND identifiers AS i
  MATCH (i)<-[:LOGGED_IN_AS]-(:WebSession)-[:FROM]->(cookie:Identifier)
  MATCH (cookie)<-[:FROM]-(w:WebSession)
  RETURN DISTINCT w.started_at AS at, 'web session' AS event, w.key AS key,
         toString(w.page_views) + ' pages' AS detail
  UNION
  UNWIND identifiers AS i
  MATCH (i)<-[:RAISED_BY]-(k:Ticket)
  RETURN DISTINCT k.opened_at AS at, 'ticket' AS event, k.key AS key, k.status + ': ' + k.subject AS detail
}
RETURN at, event, key, detail
ORDER BY at DESC, key
LIMIT $limit
