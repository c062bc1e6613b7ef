// Drop links whose identifier is no longer carried by the record, or no longer allowed to link.
MATCH (r:SourceRecord)-[l:LINKED_BY]->(i:Identifier)
WITH r, l, i, COUNT { (i)<-[:HAS_IDENTIFIER]-(:SourceRecord) } AS records
WHERE NOT i.type IN $types
   OR i.key IN $junk_keys
   OR any(prefix IN $junk_prefixes WHERE i.key STARTS WITH prefix)
   OR records < 2 OR records > $max_records[i.type]
   OR NOT EXISTS { (r)-[:HAS_IDENTIFIER]->(i) }
DELETE l
RETURN count(*) AS removed
