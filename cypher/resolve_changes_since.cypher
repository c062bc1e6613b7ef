// Where to look for changed records: records carry their load's start time, so a load that finished after
// the last resolution started may have written records stamped before that run.
OPTIONAL MATCH (l:LoadRun)
WHERE l.finished_at >= $since
RETURN coalesce(min(l.started_at), $since) AS since
