// The segments with their descriptions and sizes, after a scoring run.
UNWIND $segments AS segment
MERGE (s:Segment {name: segment.name})
SET s.description = segment.description
WITH s
OPTIONAL MATCH (s)<-[:IN_SEGMENT]-(c:Customer)
WITH s, count(c) AS customers
SET s.customers = customers
RETURN s.name AS name, customers
