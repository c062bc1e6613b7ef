// The segments and how many customers are in each now (a restriction of profiling takes its customer out at
// once, before the next scoring run).
MATCH (s:Segment)
OPTIONAL MATCH (s)<-[:IN_SEGMENT]-(c:Customer)
WITH s, count(c) AS customers
RETURN s.name AS name, s.description AS description, customers
ORDER BY customers DESC, name
