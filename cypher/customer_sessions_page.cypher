// One page of each requested customer's web sessions (from their cookies), newest first, keyset on
// (started_at, hash): a session's key holds its cookie, which a cursor must not carry to roles that see
// cookies pseudonymised; its content hash is as unique and tells nothing.
// Backward (q.backward): the sessions just newer than the "before" position, read oldest first from it.
UNWIND $requests AS q
CALL (q) {
  WITH q
  UNWIND q.keys AS k
  MATCH (:Identifier {key: k})<-[:FROM]-(w:WebSession)
  WITH DISTINCT q, w
  WHERE (q.since IS NULL OR w.started_at >= q.since)
    AND (q.after_at IS NULL OR w.started_at < q.after_at OR (w.started_at = q.after_at AND w.hash < q.after_key))
    AND (q.before_at IS NULL OR w.started_at > q.before_at OR (w.started_at = q.before_at AND w.hash > q.before_key))
  RETURN w ORDER BY CASE WHEN q.backward THEN w.started_at END, CASE WHEN q.backward THEN w.hash END,
           w.started_at DESC, w.hash DESC LIMIT $limit
}
MATCH (w)-[:FROM]->(cookie:Identifier)
RETURN q.request AS request, properties(w) AS node, w.started_at AS position, w.hash AS tiebreak,
       cookie.value AS cookie
ORDER BY request, position DESC, tiebreak DESC
