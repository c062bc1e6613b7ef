// description: Per consent purpose, how many customers currently grant it, withdrew it, or never said (newest event wins).
MATCH (p:Purpose)
CALL (p) {
  MATCH (p)<-[:ABOUT]-(e:ConsentEvent)-[:FOR]->(:Identifier)<-[:HAS_IDENTIFIER]-(:SourceRecord)<-[:HAS_RECORD]-(c:Customer)
  WITH DISTINCT c, e
  ORDER BY e.at DESC, e.key DESC
  WITH c, collect(e)[0] AS latest
  RETURN count(CASE WHEN latest.granted THEN 1 END) AS granted,
         count(CASE WHEN NOT latest.granted THEN 1 END) AS withdrawn
}
CALL () {
  MATCH (c:Customer)
  RETURN count(c) AS customers
}
RETURN p.name AS purpose, granted, withdrawn, customers - granted - withdrawn AS never_said, customers,
       CASE WHEN customers = 0 THEN 0.0 ELSE round(1000.0 * granted / customers) / 10 END AS granted_pct
ORDER BY purpose
