// One node per file load, written when it starts and completed when it ends: a run left "running" was
// interrupted, and its records are made whole by loading the file again.
MERGE (l:LoadRun {run_id: $run.run_id})
SET l += $run
