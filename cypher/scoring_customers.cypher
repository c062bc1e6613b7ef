// Every customer id, to score in batches.
MATCH (c:Customer)
RETURN c.id AS id
ORDER BY id
