MATCH (run:ResolutionRun)
RETURN run.started_at AS started_at, run.rules AS rules
ORDER BY run.started_at DESC
LIMIT 1
