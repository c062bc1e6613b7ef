// description: Identifiers carried by the most source records, the profiles they end up in, and why one is blocked.
// param limit: 20
// param min_records: 2
MATCH (i:Identifier)<-[:HAS_IDENTIFIER]-(r:SourceRecord)
WITH i, count(DISTINCT r) AS records
WHERE records >= $min_records
CALL (i) {
  OPTIONAL MATCH (i)<-[:HAS_IDENTIFIER]-(:SourceRecord)<-[:HAS_RECORD]-(c:Customer)
  RETURN count(DISTINCT c) AS customers
}
RETURN i.key AS identifier, i.type AS type, records, customers, i.blocked AS blocked
ORDER BY records DESC, identifier
LIMIT $limit
