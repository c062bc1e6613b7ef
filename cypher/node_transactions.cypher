// Transactions by key, as a customer's page shows them (node(id:)).
// One row per identifier the event attaches by, with the customers who may hold it: as their own (hub and
// junk values aside) or as the cookie of a session logged in as them. The caller keeps the candidates whose
// identities hold it, so an event is reached exactly where a customer's list shows it.
UNWIND $keys AS key
MATCH (event:Transaction {key: key})-[:BY]->(i:Identifier)
OPTIONAL MATCH (i)<-[:HAS_IDENTIFIER]-(:SourceRecord)<-[:HAS_RECORD]-(owner:Customer)
WHERE i.blocked IS NULL OR i.blocked = 'household'
WITH event, i, collect(DISTINCT owner.id) AS owners
OPTIONAL MATCH (i)<-[:FROM]-(:WebSession)-[:LOGGED_IN_AS]->(login:Identifier)<-[:HAS_IDENTIFIER]-(:SourceRecord)<-[:HAS_RECORD]-(visitor:Customer)
WHERE login.blocked IS NULL OR login.blocked = 'household'
WITH event, i, owners, collect(DISTINCT visitor.id) AS visitors
WITH event, i, owners + visitors AS candidates
OPTIONAL MATCH (event)-[:AT]->(s:Store)
RETURN event.key AS key, properties(event) AS node, i.key AS via, candidates, s.key AS store_key,
       s.name AS store_name
