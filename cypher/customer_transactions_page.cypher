// One page of each requested customer's transactions, newest first, keyset-paginated on (at, key).
// $limit is the largest page asked in the batch (+1 to tell whether more follow); pages are cut in Python.
UNWIND $requests AS q
CALL (q) {
  WITH q
  UNWIND q.keys AS k
  MATCH (:Identifier {key: k})<-[:BY]-(t:Transaction)
  WITH DISTINCT q, t
  WHERE (q.since IS NULL OR t.at >= q.since)
    AND (q.after_at IS NULL OR t.at < q.after_at OR (t.at = q.after_at AND t.key < q.after_key))
  RETURN t ORDER BY t.at DESC, t.key DESC LIMIT $limit
}
OPTIONAL MATCH (t)-[:AT]->(s:Store)
RETURN q.request AS request, properties(t) AS node, t.at AS position, s.key AS store_key, s.name AS store_name
ORDER BY request, position DESC, node.key DESC
