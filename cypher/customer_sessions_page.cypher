// One page of each requested customer's web sessions (from their cookies), newest first, keyset on
// (started_at, hash): a session's key holds its cookie, which a cursor must not carry to roles that see
// cookies pseudonymised; its content hash is as unique and tells nothing.
UNWIND $requests AS q
CALL (q) {
  WITH q
  UNWIND q.keys AS k
  MATCH (:Identifier {key: k})<-[:FROM]-(w:WebSession)
  WITH DISTINCT q, w
  WHERE (q.since IS NULL OR w.started_at >= q.since)
    AND (q.after_at IS NULL OR w.started_at < q.after_at OR (w.started_at = q.after_at AND w.hash < q.after_key))
  RETURN w ORDER BY w.started_at DESC, w.hash DESC LIMIT $limit
}
MATCH (w)-[:FROM]->(cookie:Identifier)
RETURN q.request AS request, properties(w) AS node, w.started_at AS position, w.hash AS tiebreak,
       cookie.value AS cookie
ORDER BY request, position DESC, tiebreak DESC
