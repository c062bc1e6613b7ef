// The fuzzy links in place, each once (stored from the smaller key to the larger).
MATCH (a:SourceRecord)-[s:SIMILAR_TO]->(b:SourceRecord)
RETURN a.key AS a, b.key AS b, s.score AS score
