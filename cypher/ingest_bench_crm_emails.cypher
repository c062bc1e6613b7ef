// CRM records, their names and an email of theirs that links records (not blocked), for the inbound-sync
// benchmark: a new account with the same person's name and email must join their customer.
MATCH (r:SourceRecord {source: 'crm'})-[:HAS_IDENTIFIER]->(i:Identifier {type: 'email'})
WHERE i.blocked IS NULL AND r.first_name IS NOT NULL AND r.last_name IS NOT NULL
RETURN r.key AS key, i.value AS email, r.first_name AS first_name, r.last_name AS last_name
ORDER BY key
LIMIT $limit
