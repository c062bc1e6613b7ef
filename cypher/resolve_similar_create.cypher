// New probabilistic links (the caller knows they do not exist yet), stored from the smaller key to the larger,
// with each comparison's level and match weight (a JSON text) for explanations.
UNWIND $rows AS row
MATCH (a:SourceRecord {key: row.a})
MATCH (b:SourceRecord {key: row.b})
CREATE (a)-[:SIMILAR_TO {score: row.score, rule: row.rule, weights: row.weights, run: $run_id}]->(b)
