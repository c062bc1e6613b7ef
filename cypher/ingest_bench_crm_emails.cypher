// CRM records and an email of theirs that links records (not blocked), for the inbound-sync benchmark.
MATCH (r:SourceRecord {source: 'crm'})-[:HAS_IDENTIFIER]->(i:Identifier {type: 'email'})
WHERE i.blocked IS NULL
RETURN r.key AS key, i.value AS email
ORDER BY key
LIMIT $limit
