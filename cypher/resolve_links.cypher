// Link records through an identifier of a linking type that two or more records share, unless the value
// is junk or carried by more records than its type allows (a hub).
MATCH (i:Identifier)
WHERE i.type IN $types
  AND NOT i.key IN $junk_keys
  AND NOT any(prefix IN $junk_prefixes WHERE i.key STARTS WITH prefix)
WITH i, COUNT { (i)<-[:HAS_IDENTIFIER]-(:SourceRecord) } AS records
WHERE records >= 2 AND records <= $max_records[i.type]
MATCH (i)<-[:HAS_IDENTIFIER]-(r:SourceRecord)
MERGE (r)-[:LINKED_BY]->(i)
RETURN count(*) AS links
