// The audit of one locate run (graph.runs); the next run picks up what changed since it started.
MERGE (r:LocateRun {run_id: $run.run_id})
SET r += $run
