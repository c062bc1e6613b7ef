CREATE (run:ResolutionRun)
SET run = $run
