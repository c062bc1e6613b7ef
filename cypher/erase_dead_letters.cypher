// An erased person's dead letters name the erasure's tombstone instead of them, as their events now do.
MATCH (d:DeadLetter)
WHERE d.customer_id IN $ids
SET d.customer_id = $tombstone
RETURN count(d) AS dead_letters
