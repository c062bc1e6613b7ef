// Profiling restricted: the customer's scores and segment go at once, not at the next scoring run. Returns
// the segment they left (null: they had none).
MATCH (c:Customer {id: $id})
WITH c, c.segment AS segment
REMOVE c.segment, c.rfm, c.recency_days, c.purchases, c.ltv_minor, c.predicted_value_minor, c.currency
WITH c, segment
OPTIONAL MATCH (c)-[in:IN_SEGMENT]->(:Segment)
DELETE in
RETURN DISTINCT segment
