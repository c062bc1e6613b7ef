// The identifier links of the given records (to rebuild or explain their components).
UNWIND $keys AS k
MATCH (r:SourceRecord {key: k})-[:LINKED_BY]->(i:Identifier)
RETURN r.key AS key, i.key AS via, i.type AS type
