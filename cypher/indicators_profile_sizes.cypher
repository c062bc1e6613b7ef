// How many customers hold one record, two, three…: the shape of identity resolution's result now.
MATCH (c:Customer)
WITH COUNT { (c)-[:HAS_RECORD]->(:SourceRecord) } AS records
RETURN records, count(*) AS customers
ORDER BY records
