// The shortest chain of evidence joining two records: identifiers they share, probabilistic matches (with
// each comparison's weight), decisions.
MATCH (a:SourceRecord {key: $a})
MATCH (b:SourceRecord {key: $b})
MATCH p = shortestPath((a)-[:LINKED_BY|SIMILAR_TO|SAME_AS*..24]-(b))
RETURN [n IN nodes(p) | n.key] AS nodes,
       [r IN relationships(p) | {type: type(r), score: r.score, rule: r.rule, weights: r.weights, by: r.by,
                                 why: r.why}] AS links
