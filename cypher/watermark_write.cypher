// The newest event time loaded for a source; only ever moves forward.
MERGE (w:Watermark {source: $source})
SET w.value = CASE WHEN w.value IS NULL OR w.value < $value THEN $value ELSE w.value END,
    w.kind = $kind, w.load_run = $run_id
