// An erased person's delivery log: the destinations learn whom to delete from the `erased` event, whose own
// delivery is logged afresh.
MATCH (d:Delivery)
WHERE d.customer_id IN $ids
DETACH DELETE d
RETURN count(d) AS deliveries
