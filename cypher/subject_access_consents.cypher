// Every consent event about any of the given identifiers (the whole history, not only the newest per
// purpose), with its purpose and which of those identifiers it is for.
UNWIND $keys AS k
MATCH (:Identifier {key: k})<-[:FOR]-(e:ConsentEvent)-[:ABOUT]->(p:Purpose)
WITH e, p, collect(DISTINCT k) AS identifiers
RETURN properties(e) AS event, p.name AS purpose, identifiers
ORDER BY event.at, event.key
