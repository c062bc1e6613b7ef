// The audit of one scoring run.
CREATE (r:ScoreRun)
SET r = $run
