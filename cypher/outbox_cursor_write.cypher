// Move a destination's cursor forward (never back: a replay re-sends without moving it) and count the
// attempts that failed since the last write, with the last error.
MERGE (s:SyncCursor {destination: $destination})
  ON CREATE SET s.seq = 0, s.failures = 0
SET s.seq = CASE WHEN $seq > s.seq THEN $seq ELSE s.seq END,
    s.failures = s.failures + $failures,
    s.last_error = coalesce($error, s.last_error),
    s.last_error_at = CASE WHEN $error IS NULL THEN s.last_error_at ELSE $at END,
    s.updated_at = $at
