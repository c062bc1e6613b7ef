// Expired consent events deleted with their links (the purpose stays); their identifiers, for the orphan
// sweep.
UNWIND $keys AS key
MATCH (e:ConsentEvent {key: key})
OPTIONAL MATCH (e)-[:FOR]->(i:Identifier)
WITH e, collect(i.key) AS identifiers
DETACH DELETE e
RETURN identifiers
