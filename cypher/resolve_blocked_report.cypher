// Every identifier kept from linking, why, how many records it would have joined and across how many
// profiles those records are now.
MATCH (i:Identifier)
WHERE i.blocked IS NOT NULL
OPTIONAL MATCH (i)<-[:HAS_IDENTIFIER]-(r:SourceRecord)
OPTIONAL MATCH (r)<-[:HAS_RECORD]-(c:Customer)
WITH i, count(DISTINCT r) AS records, count(DISTINCT c) AS profiles
RETURN i.key AS key, i.type AS type, i.blocked AS reason, records, profiles
ORDER BY records DESC, key
