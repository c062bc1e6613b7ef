// The audit of one retention run (graph.runs): the rules applied and the counts per rule, never a value.
MERGE (r:RetentionRun {run_id: $run.run_id})
SET r += $run
