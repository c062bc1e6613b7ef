// Customers by the month of their first record (the earliest load among their records' current versions).
MATCH (c:Customer)
CALL (c) {
  MATCH (c)-[:HAS_RECORD]->(r:SourceRecord)
  RETURN min(r.loaded_at) AS first
}
WITH first
WHERE first IS NOT NULL
RETURN first.year AS year, first.month AS month, count(*) AS customers
ORDER BY year, month
