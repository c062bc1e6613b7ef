// Replace each listed customer's SHOPS_AT edges: visits, spend (minor units, per currency), last visit, and
// whether it is the customer's usual store (the most visited).
UNWIND $rows AS row
MATCH (c:Customer {id: row.id})
OPTIONAL MATCH (c)-[old:SHOPS_AT]->()
DELETE old
WITH DISTINCT c, row
UNWIND row.stores AS visit
MATCH (s:Store {key: visit.store})
CREATE (c)-[:SHOPS_AT {visits: visit.visits, spend_minor: visit.spend_minor, currency: visit.currency,
                      last_visit: visit.last_visit, usual: visit.usual, updated_at: $now}]->(s)
