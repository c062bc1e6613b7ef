// One step out from the given records over everything that may join them, and every record of their
// profiles: repeated until nothing new appears, it gives the components the records belong to, now or before.
UNWIND $keys AS k
MATCH (r:SourceRecord {key: k})
CALL (r) {
  MATCH (r)-[:LINKED_BY]->(:Identifier)<-[:LINKED_BY]-(o:SourceRecord)
  RETURN o.key AS other
  UNION
  MATCH (r)-[:SIMILAR_TO|SAME_AS]-(o:SourceRecord)
  RETURN o.key AS other
  UNION
  MATCH (r)<-[:HAS_RECORD]-(:Customer)-[:HAS_RECORD]->(o:SourceRecord)
  RETURN o.key AS other
}
RETURN DISTINCT other
