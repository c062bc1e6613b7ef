// How many web sessions came from each requested customer's cookies.
UNWIND $requests AS q
CALL (q) {
  WITH q
  UNWIND q.keys AS k
  MATCH (:Identifier {key: k})<-[:FROM]-(w:WebSession)
  WITH DISTINCT q, w
  WHERE q.since IS NULL OR w.started_at >= q.since
  RETURN count(w) AS count
}
RETURN q.request AS request, count
