// A destination's cursor: the number of the last event it was sent (or passed over), its failed attempts.
OPTIONAL MATCH (s:SyncCursor {destination: $destination})
RETURN coalesce(s.seq, 0) AS seq, coalesce(s.failures, 0) AS failures, s.last_error AS last_error,
       s.last_error_at AS last_error_at, s.updated_at AS updated_at
