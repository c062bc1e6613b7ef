CALL gds.wcc.stream($graph) YIELD nodeId, componentId
WITH gds.util.asNode(nodeId) AS node, componentId
WHERE node:SourceRecord
OPTIONAL MATCH (c:Customer)-[:HAS_RECORD]->(node)
RETURN node.key AS key, componentId AS component, c.id AS customer_id
