// The fuzzy links touching the given records, named as stored (from the smaller key to the larger).
UNWIND $keys AS k
MATCH (r:SourceRecord {key: k})-[s:SIMILAR_TO]-(o:SourceRecord)
RETURN DISTINCT CASE WHEN r.key < o.key THEN r.key ELSE o.key END AS a,
       CASE WHEN r.key < o.key THEN o.key ELSE r.key END AS b, s.score AS score
