// Service-desk audit events about an erased customer or their records and events: before, after and why
// become a marker, the customer the tombstone, a record target its keyed hash; kind, by and at stay.
MATCH (a:AuditEvent)
WHERE a.customer = $customer OR a.target IN $targets
SET a.before = $marker, a.after = $marker, a.why = CASE WHEN a.why IS NULL THEN null ELSE $marker END,
    a.customer = $tombstone,
    a.target = coalesce(head([p IN $hashed WHERE p.key = a.target | p.hash]), a.target)
RETURN count(a) AS events
