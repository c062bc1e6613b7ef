CALL gds.graph.project($graph, ['SourceRecord', 'Identifier'], $types)
YIELD graphName
RETURN graphName
