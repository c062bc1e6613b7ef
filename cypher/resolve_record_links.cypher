// The record-to-record links of the given records: fuzzy matches and manual merges.
UNWIND $keys AS k
MATCH (r:SourceRecord {key: k})-[s:SIMILAR_TO|SAME_AS]-(o:SourceRecord)
RETURN r.key AS key, o.key AS other, type(s) AS type, s.score AS score
