MATCH (run:ResolutionRun)
RETURN run.run_id AS run_id, run.started_at AS started_at, run.rules AS rules
ORDER BY run.started_at DESC
LIMIT 1
