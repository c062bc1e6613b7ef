// Counts per label, each in its own subquery: cheap on both stores and free of map-projection aggregation.
CALL () { MATCH (r:SourceRecord) RETURN count(r) AS records }
CALL () { MATCH (i:Identifier) RETURN count(i) AS identifiers }
CALL () { MATCH (c:Customer) RETURN count(c) AS customers }
CALL () { MATCH (l:LoadRun) RETURN count(l) AS load_runs }
RETURN records, identifiers, customers, load_runs
