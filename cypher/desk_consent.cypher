// A customer's current consent for one purpose: the newest event about any of their identifiers.
MATCH (:Customer {id: $id})-[:HAS_RECORD]->(:SourceRecord)-[:HAS_IDENTIFIER]->(i:Identifier)
WHERE i.blocked IS NULL
MATCH (i)<-[:FOR]-(e:ConsentEvent)-[:ABOUT]->(:Purpose {name: $purpose})
WITH DISTINCT e
ORDER BY e.at DESC, e.key DESC
LIMIT 1
RETURN e.granted AS granted
