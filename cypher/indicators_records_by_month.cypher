// Source records by the month their current version was loaded.
MATCH (r:SourceRecord)
WHERE r.loaded_at IS NOT NULL
WITH r.loaded_at AS at
RETURN at.year AS year, at.month AS month, count(*) AS records
ORDER BY year, month
