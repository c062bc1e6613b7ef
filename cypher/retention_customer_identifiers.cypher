// What erasing these customers may leave unused: the identifiers their records carry, those their events
// also point to (erasure cuts an event's every link to identifiers), and the devices of those cookies.
UNWIND $keys AS id
MATCH (:Customer {id: id})-[:HAS_RECORD]->(:SourceRecord)-[:HAS_IDENTIFIER]->(i:Identifier)
OPTIONAL MATCH (i)<-[:BY|RAISED_BY|FOR|FROM|LOGGED_IN_AS]-(e)-[:BY|RAISED_BY|FOR|FROM|LOGGED_IN_AS]->(o:Identifier)
OPTIONAL MATCH (o)-[:SEEN_ON]->(d:Identifier)
RETURN i.key AS key, collect(DISTINCT o.key) AS used, collect(DISTINCT d.key) AS devices
