// The latest completed locate run: the next one picks up what changed since it started.
MATCH (r:LocateRun)
WHERE coalesce(r.status, 'completed') = 'completed'
RETURN r.started_at AS started_at
ORDER BY started_at DESC
LIMIT 1
