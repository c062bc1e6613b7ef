// One quality check's outcome, kept for the trend: the whole report as JSON text in `report`.
CREATE (:QualityRun {id: $id, at: $at, passed: $passed, checks: $checks, failed: $failed, report: $report})
