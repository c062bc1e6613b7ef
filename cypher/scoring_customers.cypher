// Every customer id, to score in batches, with the segment the last run gave (what the run moves them from).
MATCH (c:Customer)
RETURN c.id AS id, c.segment AS segment
ORDER BY id
