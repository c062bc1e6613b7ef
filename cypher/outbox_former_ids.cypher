// The ids customers had before merges made them the given ones: one step back (the caller repeats).
MATCH (e:ChangeEvent {kind: 'merged'})
WHERE e.customer_id IN $ids
UNWIND e.previous_customer_ids AS previous
RETURN DISTINCT previous
