// Access-log entries past their retention: deleted, counted.
MATCH (a:AccessLog)
WHERE a.at < $before
DELETE a
RETURN count(a) AS purged
