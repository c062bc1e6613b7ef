UNWIND $rows AS row
MATCH (a:SourceRecord {key: row.a}), (b:SourceRecord {key: row.b})
MERGE (a)-[s:SIMILAR_TO]->(b)
SET s.score = row.score, s.rule = row.rule, s.run = $run_id
