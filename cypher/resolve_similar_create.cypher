// New fuzzy links (the caller knows they do not exist yet), stored from the smaller key to the larger.
UNWIND $rows AS row
MATCH (a:SourceRecord {key: row.a}), (b:SourceRecord {key: row.b})
CREATE (a)-[:SIMILAR_TO {score: row.score, rule: row.rule, run: $run_id}]->(b)
