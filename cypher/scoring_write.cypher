// Scores and segment of each customer; the segment is also a node analysts can start from.
UNWIND $rows AS row
MATCH (c:Customer {id: row.id})
SET c += row.scores
WITH c, row
OPTIONAL MATCH (c)-[old:IN_SEGMENT]->(:Segment)
DELETE old
WITH DISTINCT c, row
MERGE (s:Segment {name: row.scores.segment})
CREATE (c)-[:IN_SEGMENT {since: $now}]->(s)
