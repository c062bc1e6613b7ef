// The latest completed load of each source: what it read and refused (its reject file says which field),
// and when it ended (freshness). A load that failed or was killed does not count.
MATCH (l:LoadRun)
WHERE coalesce(l.status, 'completed') = 'completed'
WITH l, coalesce(l.finished_at, l.started_at) AS ended
ORDER BY ended DESC
WITH l.source AS source, collect(l)[0] AS last, max(ended) AS ended, count(l) AS loads
RETURN source, last.run_id AS run_id, last.kind AS kind, last.read AS read, last.rejected AS rejected,
       last.values_dropped AS values_dropped, last.reject_file AS reject_file, ended, loads
ORDER BY source
