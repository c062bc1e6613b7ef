// One page of each requested customer's tickets, newest first, keyset-paginated on (opened_at, key).
// Backward (q.backward): the tickets just newer than the "before" position, read oldest first from it.
UNWIND $requests AS q
CALL (q) {
  WITH q
  UNWIND q.keys AS k
  MATCH (:Identifier {key: k})<-[:RAISED_BY]-(t:Ticket)
  WITH DISTINCT q, t
  WHERE (q.since IS NULL OR t.opened_at >= q.since)
    AND (q.after_at IS NULL OR t.opened_at < q.after_at OR (t.opened_at = q.after_at AND t.key < q.after_key))
    AND (q.before_at IS NULL OR t.opened_at > q.before_at OR (t.opened_at = q.before_at AND t.key > q.before_key))
  RETURN t ORDER BY CASE WHEN q.backward THEN t.opened_at END, CASE WHEN q.backward THEN t.key END,
           t.opened_at DESC, t.key DESC LIMIT $limit
}
OPTIONAL MATCH (t)<-[:ON]-(n:TicketNote)
WITH q.request AS request, t, n
ORDER BY n.at
WITH request, t, collect(n) AS notes
RETURN request, properties(t) AS node, t.opened_at AS position, [n IN notes | n {.at, .by, .text}] AS notes
ORDER BY request, position DESC, node.key DESC
