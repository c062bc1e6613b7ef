// Merge and split audit events naming erased records: those keys become their keyed hashes, why a marker.
MATCH (a:AuditEvent)
WHERE a.kind IN ['merge', 'split'] AND any(k IN a.records WHERE k IN $keys)
SET a.records = [k IN a.records | coalesce(head([p IN $hashed WHERE p.key = k | p.hash]), k)],
    a.why = $marker
RETURN count(a) AS events
