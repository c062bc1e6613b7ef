// A customer worth looking at in the demo: one whose profile joins several source records.
MATCH (c:Customer)
WHERE c.record_count >= 2
RETURN c.id AS id
ORDER BY c.record_count DESC, c.id
LIMIT 1
