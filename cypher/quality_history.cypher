// The latest quality checks, newest first.
MATCH (q:QualityRun)
RETURN q.id AS id, q.at AS at, q.passed AS passed, q.checks AS checks, q.failed AS failed, q.report AS report
ORDER BY at DESC, id DESC
LIMIT $limit
