// algo.wcc yields every node of the graph as a record id: read the business key through it and match the
// record by key (a label test on the yielded node is silently ignored by the embedded store).
CALL algo.wcc($types) YIELD node, componentId
WITH node.key AS key, componentId
WHERE key IS NOT NULL
MATCH (r:SourceRecord {key: key})
OPTIONAL MATCH (c:Customer)-[:HAS_RECORD]->(r)
RETURN r.key AS key, componentId AS component, c.id AS customer_id
