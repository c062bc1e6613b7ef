// How many tickets each requested customer raised.
UNWIND $requests AS q
CALL (q) {
  WITH q
  UNWIND q.keys AS k
  MATCH (:Identifier {key: k})<-[:RAISED_BY]-(t:Ticket)
  WITH DISTINCT q, t
  WHERE q.since IS NULL OR t.opened_at >= q.since
  RETURN count(t) AS count
}
RETURN q.request AS request, count
