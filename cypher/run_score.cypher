// The audit of one scoring run (graph.runs).
MERGE (r:ScoreRun {run_id: $run.run_id})
SET r += $run
