// The meta-graph's nodes: every label and how many nodes carry it (a node with two labels counts for both).
MATCH (n)
UNWIND labels(n) AS label
RETURN label, count(*) AS nodes
ORDER BY label
