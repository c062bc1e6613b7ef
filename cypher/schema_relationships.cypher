// The meta-graph's relationships: each type with the labels it goes from and to, and how many go that way.
MATCH (a)-[r]->(b)
UNWIND labels(a) AS from_label
UNWIND labels(b) AS to_label
RETURN type(r) AS type, from_label, to_label, count(*) AS relationships
ORDER BY type, from_label, to_label
