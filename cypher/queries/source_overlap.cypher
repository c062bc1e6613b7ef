// description: For each pair of sources, how many profiles hold records from both (where sources overlap).
MATCH (c:Customer)-[:HAS_RECORD]->(a:SourceRecord), (c)-[:HAS_RECORD]->(b:SourceRecord)
WHERE a.source < b.source
WITH a.source AS source, b.source AS other_source, count(DISTINCT c) AS customers
RETURN source, other_source, customers
ORDER BY customers DESC, source, other_source
