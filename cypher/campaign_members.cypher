// A campaign's people as they are now: each member (a person as the list had them) with the customers that
// hold their records today, whatever resolution did since. A member whose records were all erased is gone.
MATCH (:Campaign {name: $campaign})-[m:INVITED|HELD_OUT]->(r:SourceRecord)
OPTIONAL MATCH (c:Customer)-[:HAS_RECORD]->(r)
WITH type(m) AS arm, m.member AS member, collect(DISTINCT c.id) AS customers
RETURN arm, member, customers
ORDER BY arm, member
