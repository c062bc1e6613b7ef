// Every customer id, to score in batches; not those who restricted or objected to profiling.
MATCH (c:Customer)
WHERE NOT EXISTS { (c)-[:HAS_RECORD]->(:SourceRecord)-[:RESTRICTED]->(:Purpose {name: 'profiling'}) }
RETURN c.id AS id
ORDER BY id
