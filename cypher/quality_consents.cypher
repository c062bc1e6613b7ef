// Consent coverage: per purpose of the consent ledger, how many customers have a consent event (a grant or a
// withdrawal, on any channel) about one of their identifiers, beside how many customers there are. Purposes
// only restrictions name (sync) are not consent purposes.
MATCH (p:Purpose)
WHERE EXISTS { (p)<-[:ABOUT]-(:ConsentEvent) }
CALL (p) {
  MATCH (p)<-[:ABOUT]-(:ConsentEvent)-[:FOR]->(i:Identifier)<-[:HAS_IDENTIFIER]-(:SourceRecord)
        <-[:HAS_RECORD]-(c:Customer)
  WHERE i.blocked IS NULL OR i.blocked = 'household'
  RETURN count(DISTINCT c) AS covered
}
CALL () { MATCH (c:Customer) RETURN count(c) AS customers }
RETURN p.name AS purpose, covered, customers
ORDER BY purpose
