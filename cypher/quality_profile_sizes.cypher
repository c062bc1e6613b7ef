// How many customers hold how many source records: the distribution behind over- and under-merging.
MATCH (c:Customer)
WITH COUNT { (c)-[:HAS_RECORD]->(:SourceRecord) } AS records
RETURN records, count(*) AS customers
ORDER BY records
