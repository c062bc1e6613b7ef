// The destinations a person's changes were sent to, under their id or an id merges gave them before.
MATCH (d:Delivery)
WHERE d.customer_id IN $ids
RETURN d.destination AS destination, d.customer_id AS customer_id, d.first_at AS first_sent,
       d.last_at AS last_sent, d.events AS events, d.kinds AS kinds
ORDER BY destination, customer_id
