// The current consent per purpose of each customer: the newest event about any of their identifiers
// wins, so a withdrawal overrides every older grant.
UNWIND $requests AS q
CALL (q) {
  UNWIND q.keys AS k
  MATCH (:Identifier {key: k})<-[:FOR]-(e:ConsentEvent)-[:ABOUT]->(p:Purpose)
  WITH DISTINCT e, p
  ORDER BY e.at DESC, e.key DESC
  WITH p.name AS purpose, collect(e)[0] AS latest
  RETURN purpose, latest
}
RETURN q.request AS request, purpose, latest.granted AS granted, latest.at AS at, latest.channel AS channel,
       latest.source AS source, latest.key AS event_key
ORDER BY request, purpose
