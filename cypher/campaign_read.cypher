// One campaign's own properties.
MATCH (c:Campaign {name: $campaign})
RETURN properties(c) AS campaign
