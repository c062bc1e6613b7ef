// description: Customers who raised the most support tickets, how many are still open and when the last was opened.
// param limit: 20
// param status: null
MATCH (c:Customer)
CALL (c) {
  MATCH (c)-[:HAS_RECORD]->(:SourceRecord)-[:HAS_IDENTIFIER]->(i:Identifier)<-[:RAISED_BY]-(t:Ticket)
  WHERE (i.blocked IS NULL OR i.blocked = 'household') AND ($status IS NULL OR t.status = $status)
  WITH DISTINCT t
  RETURN count(t) AS tickets, count(CASE WHEN t.closed_at IS NULL THEN 1 END) AS open,
         max(t.opened_at) AS last_opened
}
WITH c, tickets, open, last_opened
WHERE tickets > 0
RETURN c.id AS customer, c.first_name AS first_name, c.last_name AS last_name, tickets, open, last_opened
ORDER BY tickets DESC, customer
LIMIT $limit
