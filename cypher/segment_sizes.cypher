// The segments of the last scoring run and their sizes.
MATCH (s:Segment)
RETURN s.name AS name, s.description AS description, coalesce(s.customers, 0) AS customers
ORDER BY customers DESC, name
