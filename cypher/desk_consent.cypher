// A customer's current consent for one purpose and channel: the newest event about any of their identifiers
// that covers it (about that channel, or about the purpose on every channel). $channel null: the purpose as
// a whole, decided by purpose-wide events only.
MATCH (:Customer {id: $id})-[:HAS_RECORD]->(:SourceRecord)-[:HAS_IDENTIFIER]->(i:Identifier)
WHERE i.blocked IS NULL
MATCH (i)<-[:FOR]-(e:ConsentEvent)-[:ABOUT]->(:Purpose {name: $purpose})
WHERE e.channel IS NULL OR e.channel = $channel
WITH DISTINCT e
ORDER BY e.at DESC, e.key DESC
LIMIT 1
RETURN e.granted AS granted
