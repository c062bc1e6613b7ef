// Identifiers per type, and those carried by no record: for a cookie, no session from it logged in as an
// identifier a record carries; for a device, no such cookie was seen on it.
MATCH (i:Identifier)
WITH i,
     CASE i.type
       WHEN 'cookie' THEN EXISTS {
         MATCH (i)<-[:FROM]-(:WebSession)-[:LOGGED_IN_AS]->(:Identifier)<-[:HAS_IDENTIFIER]-(:SourceRecord) }
       WHEN 'device' THEN EXISTS {
         MATCH (i)<-[:SEEN_ON]-(:Identifier)<-[:FROM]-(:WebSession)-[:LOGGED_IN_AS]->(:Identifier)
               <-[:HAS_IDENTIFIER]-(:SourceRecord) }
       ELSE EXISTS { MATCH (i)<-[:HAS_IDENTIFIER]-(:SourceRecord) }
     END AS carried
WITH i.type AS type, count(i) AS identifiers, sum(CASE WHEN carried THEN 0 ELSE 1 END) AS orphans
RETURN type, identifiers, orphans
ORDER BY type
