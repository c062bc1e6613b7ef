// Drop the given identifiers' links that no longer hold: the record no longer carries the identifier, it is
// blocked, its type no longer links, or no other record shares it.
UNWIND $keys AS k
MATCH (i:Identifier {key: k})<-[l:LINKED_BY]-(r:SourceRecord)
WHERE NOT i.type IN $types
   OR i.blocked IS NOT NULL
   OR NOT EXISTS { (r)-[:HAS_IDENTIFIER]->(i) }
   OR COUNT { (i)<-[:HAS_IDENTIFIER]-(:SourceRecord) } < 2
DELETE l
RETURN count(*) AS removed
