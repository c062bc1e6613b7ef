// The next events after a destination's cursor, oldest first.
MATCH (e:ChangeEvent)
WHERE e.seq > $after AND e.seq <= $until
RETURN e.seq AS seq, e.at AS at, e.kind AS kind, e.customer_id AS customer_id,
       e.previous_customer_ids AS previous_customer_ids, e.payload AS payload, e.origin AS origin
ORDER BY seq
LIMIT $limit
