// Every campaign, the newest event first.
MATCH (c:Campaign)
RETURN properties(c) AS campaign
ORDER BY c.event_at DESC, c.name
LIMIT $limit
