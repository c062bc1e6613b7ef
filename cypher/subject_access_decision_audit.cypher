// The audit entries of manual merges and splits that name any of the given records.
MATCH (e:AuditEvent)
WHERE e.kind IN ['merge', 'split'] AND any(k IN e.records WHERE k IN $keys)
RETURN properties(e) AS event
ORDER BY event.at, event.kind
