// One node per file load (graph.runs): written when it starts and again when it ends. A run left
// "running" was interrupted, and its records are made whole by loading the file again.
MERGE (r:LoadRun {run_id: $run.run_id})
SET r += $run
