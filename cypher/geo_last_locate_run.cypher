MATCH (r:LocateRun)
RETURN r.started_at AS started_at
ORDER BY started_at DESC
LIMIT 1
