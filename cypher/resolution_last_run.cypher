// The latest run (runs recorded before runs had a start time and rules digest are ignored: full run).
MATCH (run:ResolutionRun)
WHERE run.started_at IS NOT NULL
RETURN run.run_id AS run_id, run.started_at AS started_at, run.rules AS rules
ORDER BY run.started_at DESC
LIMIT 1
