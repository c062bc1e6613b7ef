// One node per file load: lineage for every record it wrote, and the counts users audit.
CREATE (l:LoadRun)
SET l = $run
