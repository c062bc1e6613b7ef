// The erased customer, leaving their segment's size one smaller until the next scoring.
MATCH (c:Customer {id: $id})
OPTIONAL MATCH (c)-[:IN_SEGMENT]->(s:Segment)
SET s.customers = s.customers - 1
WITH DISTINCT c
DETACH DELETE c
