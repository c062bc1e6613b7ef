// The latest completed run (runs recorded before runs had a start time and rules digest are ignored: full
// run; a run that failed or was killed does not count, so the next one covers what it missed).
MATCH (run:ResolutionRun)
WHERE run.started_at IS NOT NULL AND coalesce(run.status, 'completed') = 'completed'
RETURN run.run_id AS run_id, run.started_at AS started_at, run.rules AS rules
ORDER BY run.started_at DESC
LIMIT 1
