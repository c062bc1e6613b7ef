// The audit of one identity resolution run (graph.runs): its mode, counts and step timings.
MERGE (r:ResolutionRun {run_id: $run.run_id})
SET r += $run
