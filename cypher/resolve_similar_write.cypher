// Probabilistic links whose score changed.
UNWIND $rows AS row
MATCH (:SourceRecord {key: row.a})-[s:SIMILAR_TO]->(:SourceRecord {key: row.b})
SET s.score = row.score, s.rule = row.rule, s.weights = row.weights, s.run = $run_id
