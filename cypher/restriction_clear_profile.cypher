// Profiling restricted: the customer's scores and segment go at once, not at the next scoring run.
MATCH (c:Customer {id: $id})
REMOVE c.segment, c.rfm, c.recency_days, c.purchases, c.ltv_minor, c.predicted_value_minor, c.currency
WITH c
OPTIONAL MATCH (c)-[in:IN_SEGMENT]->(:Segment)
DELETE in
