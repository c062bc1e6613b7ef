UNWIND $keys AS k
MATCH (:Identifier {key: k})<-[:HAS_IDENTIFIER]-(r:SourceRecord)
RETURN DISTINCT r.key AS key
