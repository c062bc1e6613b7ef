// The identifiers the given records carry or are linked by, of linking types or marked blocked.
UNWIND $keys AS k
MATCH (:SourceRecord {key: k})-[:HAS_IDENTIFIER|LINKED_BY]->(i:Identifier)
WHERE i.type IN $types OR i.blocked IS NOT NULL
RETURN DISTINCT i.key AS key
