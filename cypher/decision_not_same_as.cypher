// A person's decision that two records are two people: replaces any earlier decision between them; audited.
MATCH (a:SourceRecord {key: $a})
MATCH (b:SourceRecord {key: $b})
OPTIONAL MATCH (a)-[old:SAME_AS|NOT_SAME_AS]-(b)
DELETE old
WITH DISTINCT a, b
CREATE (a)-[:NOT_SAME_AS {by: $by, why: $why, at: $at}]->(b)
CREATE (:AuditEvent {kind: 'split', records: [a.key, b.key], by: $by, why: $why, at: $at})
RETURN a.key AS a, b.key AS b
