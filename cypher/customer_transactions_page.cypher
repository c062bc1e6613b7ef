// One page of each requested customer's transactions, newest first, keyset-paginated on (at, key).
// Backward (q.backward) the page is the events just newer than the "before" position: read oldest first
// from it, then put newest first like the rest.
// $limit is the largest page asked in the batch (+1 to tell whether more follow); pages are cut in Python.
UNWIND $requests AS q
CALL (q) {
  WITH q
  UNWIND q.keys AS k
  MATCH (:Identifier {key: k})<-[:BY]-(t:Transaction)
  WITH DISTINCT q, t
  WHERE (q.since IS NULL OR t.at >= q.since)
    AND (q.after_at IS NULL OR t.at < q.after_at OR (t.at = q.after_at AND t.key < q.after_key))
    AND (q.before_at IS NULL OR t.at > q.before_at OR (t.at = q.before_at AND t.key > q.before_key))
  RETURN t ORDER BY CASE WHEN q.backward THEN t.at END, CASE WHEN q.backward THEN t.key END,
           t.at DESC, t.key DESC LIMIT $limit
}
OPTIONAL MATCH (t)-[:AT]->(s:Store)
RETURN q.request AS request, properties(t) AS node, t.at AS position, s.key AS store_key, s.name AS store_name
ORDER BY request, position DESC, node.key DESC
