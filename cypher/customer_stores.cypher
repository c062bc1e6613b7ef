// The stores each customer bought at, with visits, spend (per currency) and last visit: most visited first.
UNWIND $requests AS q
CALL (q) {
  UNWIND q.keys AS k
  MATCH (:Identifier {key: k})<-[:BY]-(t:Transaction)-[:AT]->(s:Store)
  WITH DISTINCT t, s
  WITH s, t.currency AS currency, count(t) AS visits, sum(t.amount_minor) AS spend_minor, max(t.at) AS last_visit
  RETURN s, currency, visits, spend_minor, last_visit
}
RETURN q.request AS request, properties(s) AS store, currency, visits, spend_minor, last_visit
ORDER BY request, visits DESC, last_visit DESC
