// A customer for a service-desk change: golden values, the record a correction is tied to (the first
// record of another source), and the customer's existing service-desk record, if any.
MATCH (c:Customer {id: $id})-[:HAS_RECORD]->(r:SourceRecord)
WITH c, r
ORDER BY CASE WHEN r.source = $source THEN 1 ELSE 0 END, r.key
WITH c, collect(r) AS records
RETURN properties(c) AS customer, records[0].key AS anchor,
       head([x IN records WHERE x.source = $source | properties(x)]) AS desk
