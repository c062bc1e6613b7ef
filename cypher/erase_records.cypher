// Erased source records, with their identifier, link and decision relationships.
UNWIND $keys AS key
MATCH (r:SourceRecord {key: key})
DETACH DELETE r
