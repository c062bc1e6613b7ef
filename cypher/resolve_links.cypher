// Link the records sharing each given identifier, when its type links and it is not blocked.
UNWIND $keys AS k
MATCH (i:Identifier {key: k})
WHERE i.type IN $types AND i.blocked IS NULL
  AND COUNT { (i)<-[:HAS_IDENTIFIER]-(:SourceRecord) } >= 2
MATCH (i)<-[:HAS_IDENTIFIER]-(r:SourceRecord)
MERGE (r)-[:LINKED_BY]->(i)
RETURN count(*) AS links
