// Every customer id, to score in batches, with the segment the last run gave (what the run moves them from);
// not those who restricted or objected to profiling.
MATCH (c:Customer)
WHERE NOT EXISTS { (c)-[:HAS_RECORD]->(:SourceRecord)-[:RESTRICTED]->(:Purpose {name: 'profiling'}) }
RETURN c.id AS id, c.segment AS segment
ORDER BY id
