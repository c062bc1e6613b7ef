// The shortest chain of identifiers and decisions joining two records: when one exists it is what an agent
// can check at a glance ("they share this email"), so it is shown before probabilistic matches.
MATCH (a:SourceRecord {key: $a})
MATCH (b:SourceRecord {key: $b})
MATCH p = shortestPath((a)-[:LINKED_BY|SAME_AS*..24]-(b))
RETURN [n IN nodes(p) | n.key] AS nodes,
       [r IN relationships(p) | {type: type(r), score: null, rule: null, weights: null, by: r.by,
                                 why: r.why}] AS links
