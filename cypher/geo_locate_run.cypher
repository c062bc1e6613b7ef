// The audit of one locate run; the next run picks up what changed since it started.
CREATE (r:LocateRun)
SET r = $run
