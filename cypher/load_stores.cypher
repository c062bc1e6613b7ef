// Upsert stores; a store first met in a transaction (a placeholder) gets its details here.
UNWIND $rows AS row
MERGE (s:Store {key: row.key})
WITH s, row
WHERE s.hash IS NULL OR s.hash <> row.hash
SET s = row.props, s.load_run = $run_id, s.loaded_at = $loaded_at,
    s.location = CASE WHEN row.props.latitude IS NULL OR row.props.longitude IS NULL THEN null
                 ELSE point({latitude: row.props.latitude, longitude: row.props.longitude}) END
