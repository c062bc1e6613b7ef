// A page of every node of the graph, whatever its label, in element-id order from $after (null: from the
// start): the whole graph is read in pages, never held at once. Element ids are stable while nothing adds a
// label, which an export does not.
MATCH (n)
WHERE $after IS NULL OR elementId(n) > $after
WITH n
ORDER BY elementId(n)
LIMIT $page
RETURN elementId(n) AS id, labels(n) AS labels, properties(n) AS properties
