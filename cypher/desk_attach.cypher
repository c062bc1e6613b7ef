// Tie a service-desk record to the customer it corrects: a decision, like `c360 merge`, that every later
// resolution run keeps.
MATCH (d:SourceRecord {key: $desk})
MATCH (a:SourceRecord {key: $anchor})
WHERE d <> a AND NOT EXISTS { (d)-[:SAME_AS]-(a) }
CREATE (d)-[:SAME_AS {by: $by, why: 'service-desk correction', at: $at}]->(a)
