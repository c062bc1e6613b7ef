// The consent events a load just wrote (this run's, not those it found unchanged), with every customer they
// reach through an identifier that may attach events: what the change feed tells of a loaded choice.
UNWIND $keys AS key
MATCH (e:ConsentEvent {key: key})-[:ABOUT]->(p:Purpose)
WHERE e.load_run = $run_id
MATCH (e)-[:FOR]->(i:Identifier)<-[:HAS_IDENTIFIER]-(:SourceRecord)<-[:HAS_RECORD]-(c:Customer)
WHERE i.blocked IS NULL OR i.blocked = 'household'
RETURN DISTINCT c.id AS customer_id, e.key AS event, p.name AS purpose, e.channel AS channel,
       e.granted AS granted, e.at AS at, e.source AS source
ORDER BY event, customer_id
