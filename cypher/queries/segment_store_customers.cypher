// description: Customers per segment per store they shop at (usual_only: only the store each customer uses most).
// param usual_only: false
MATCH (c:Customer)-[shops:SHOPS_AT]->(s:Store)
WHERE NOT $usual_only OR shops.usual = true
OPTIONAL MATCH (c)-[:IN_SEGMENT]->(g:Segment)
WITH s, coalesce(g.name, 'not scored') AS segment, count(DISTINCT c) AS customers, sum(shops.visits) AS visits
RETURN s.key AS store, s.name AS store_name, segment, customers, visits
ORDER BY store, customers DESC, segment
