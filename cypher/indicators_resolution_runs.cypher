// The latest completed identity resolution runs with their counts (an incremental run counts the records
// and customers of the components it touched).
MATCH (r:ResolutionRun)
WHERE r.status = 'completed'
RETURN r.run_id AS run_id, r.started_at AS at, r.mode AS mode, r.records AS records, r.customers AS customers,
       r.merged_records AS merged_records, r.records_moved AS records_moved,
       r.customers_created AS customers_created, r.customers_removed AS customers_removed
ORDER BY at DESC
LIMIT $limit
