// A page of every relationship of the graph, in element-id order from $after (null: from the start), with
// the element ids of its ends as the nodes' page gives them.
MATCH (a)-[r]->(b)
WHERE $after IS NULL OR elementId(r) > $after
WITH a, r, b
ORDER BY elementId(r)
LIMIT $page
RETURN elementId(r) AS id, type(r) AS type, elementId(a) AS source, elementId(b) AS target,
       properties(r) AS properties
