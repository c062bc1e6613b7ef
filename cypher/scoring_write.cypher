// Scores and segment of each customer; the segment is also a node analysts can start from. A customer
// whose segment did not change keeps its IN_SEGMENT edge (and its `since`).
UNWIND $rows AS row
MATCH (c:Customer {id: row.id})
SET c += row.scores
WITH c, row
OPTIONAL MATCH (c)-[old:IN_SEGMENT]->(previous:Segment)
WHERE previous.name <> row.scores.segment
DELETE old
WITH DISTINCT c, row
MERGE (s:Segment {name: row.scores.segment})
MERGE (c)-[in:IN_SEGMENT]->(s)
  ON CREATE SET in.since = $now
