// Consent coverage: per purpose, how many customers have a consent event (a grant or a withdrawal) about
// one of their identifiers, beside how many customers there are.
MATCH (p:Purpose)
CALL (p) {
  MATCH (p)<-[:ABOUT]-(:ConsentEvent)-[:FOR]->(i:Identifier)<-[:HAS_IDENTIFIER]-(:SourceRecord)
        <-[:HAS_RECORD]-(c:Customer)
  WHERE i.blocked IS NULL OR i.blocked = 'household'
  RETURN count(DISTINCT c) AS covered
}
CALL () { MATCH (c:Customer) RETURN count(c) AS customers }
RETURN p.name AS purpose, covered, customers
ORDER BY purpose
