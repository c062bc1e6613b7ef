// What erased records hold (every value, to scrub the files c360 wrote) and the file each was loaded from.
UNWIND $keys AS key
MATCH (r:SourceRecord {key: key})
OPTIONAL MATCH (run:LoadRun {run_id: r.load_run})
RETURN r.key AS key, properties(r) AS props, run.file AS file
