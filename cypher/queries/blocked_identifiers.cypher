// description: Identifiers kept from linking records (blocklist, hub, household...), why, and how many records and profiles carry them.
// param reason: null
// param limit: 100
MATCH (i:Identifier)
WHERE i.blocked IS NOT NULL AND ($reason IS NULL OR i.blocked = $reason)
CALL (i) {
  OPTIONAL MATCH (i)<-[:HAS_IDENTIFIER]-(r:SourceRecord)
  OPTIONAL MATCH (r)<-[:HAS_RECORD]-(c:Customer)
  RETURN count(DISTINCT r) AS records, count(DISTINCT c) AS customers
}
RETURN i.key AS identifier, i.type AS type, i.blocked AS reason, records, customers
ORDER BY records DESC, identifier
LIMIT $limit
