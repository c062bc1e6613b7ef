// Manual decisions between records: SAME_AS joins them, NOT_SAME_AS keeps them apart.
MATCH (a:SourceRecord)-[d:SAME_AS|NOT_SAME_AS]->(b:SourceRecord)
RETURN a.key AS a, b.key AS b, type(d) AS decision
