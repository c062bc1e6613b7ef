// The last completed load run of a source: what a benchmark reads of `c360 load`'s own timing.
MATCH (r:LoadRun {source: $source, status: 'completed'})
RETURN r.seconds AS seconds
ORDER BY r.started_at DESC
LIMIT 1
