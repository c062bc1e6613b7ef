// The latest completed scoring run: when scores were computed and the reference date they used.
MATCH (r:ScoreRun)
WHERE r.status = 'completed'
RETURN properties(r) AS run
ORDER BY run.started_at DESC
LIMIT 1
