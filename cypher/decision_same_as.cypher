// A person's decision that two records are one: replaces any earlier decision between them; audited.
MATCH (a:SourceRecord {key: $a})
MATCH (b:SourceRecord {key: $b})
OPTIONAL MATCH (a)-[old:SAME_AS|NOT_SAME_AS]-(b)
DELETE old
WITH DISTINCT a, b
CREATE (a)-[:SAME_AS {by: $by, why: $why, at: $at}]->(b)
CREATE (:AuditEvent {kind: 'merge', records: [a.key, b.key], by: $by, why: $why, at: $at})
RETURN a.key AS a, b.key AS b
