// Identifier values identity resolution keeps from linking, per type and reason (blocklist, hub,
// household), with how many records carry them.
MATCH (i:Identifier)
WHERE i.blocked IS NOT NULL
WITH i, COUNT { (i)<-[:HAS_IDENTIFIER]-(:SourceRecord) } AS records
RETURN i.type AS type, i.blocked AS reason, count(i) AS identifiers, sum(records) AS records
ORDER BY type, reason
