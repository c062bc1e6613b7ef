// The latest data-quality checks (c360 check): whether they passed and how many checks failed; the report
// stays out, as it may quote source values.
MATCH (q:QualityRun)
RETURN q.id AS id, q.at AS at, q.passed AS passed, q.checks AS checks, q.failed AS failed
ORDER BY at DESC
LIMIT $limit
