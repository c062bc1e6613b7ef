// The first and last names of the records sharing each given identifier, for the household guard: a value whose
// records name clearly different people (a family email, twins' phone) links nothing by itself.
UNWIND $keys AS k
MATCH (i:Identifier {key: k})<-[:HAS_IDENTIFIER]-(r:SourceRecord)
WHERE i.type IN $types
WITH i, collect([r.first_name, r.last_name]) AS names, count(r) AS records
WHERE records >= 2 AND records <= $max_records[i.type]
RETURN i.key AS key, names
