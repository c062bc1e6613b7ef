// The consent ledger of each customer: every event about any of their identifiers, oldest first. The
// current choice per purpose and channel is derived from it (customers/consents.py), never stored.
UNWIND $requests AS q
CALL (q) {
  UNWIND q.keys AS k
  MATCH (:Identifier {key: k})<-[:FOR]-(e:ConsentEvent)-[:ABOUT]->(p:Purpose)
  RETURN DISTINCT e, p.name AS purpose
}
RETURN q.request AS request, e.key AS event_key, purpose, e.channel AS channel, e.granted AS granted, e.at AS at,
       e.source AS source, e.captured_via AS captured_via, e.proof AS proof
ORDER BY request, at, event_key
