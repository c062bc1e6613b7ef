// description: Profiles the last completed resolution run gave records to and that now hold several records.
// param limit: 50
MATCH (run:ResolutionRun)
WHERE run.started_at IS NOT NULL AND coalesce(run.status, 'completed') = 'completed'
WITH run
ORDER BY run.started_at DESC
LIMIT 1
MATCH (c:Customer)-[joined:HAS_RECORD]->(:SourceRecord)
WHERE joined.run = run.run_id
WITH run, c, count(joined) AS records_joined
CALL (c) {
  MATCH (c)-[:HAS_RECORD]->(r:SourceRecord)
  WITH r
  ORDER BY r.source
  RETURN count(r) AS records, collect(DISTINCT r.source) AS sources
}
WITH run, c, records_joined, records, sources
WHERE records > 1
RETURN run.run_id AS run, run.mode AS mode, c.id AS customer, records_joined, records, sources
ORDER BY records DESC, customer
LIMIT $limit
