// The latest completed scoring runs with their segment sizes and moves (JSON, scoring.score).
MATCH (r:ScoreRun)
WHERE r.status = 'completed'
RETURN r.run_id AS run_id, r.started_at AS at, r.customers AS customers, r.buyers AS buyers,
       r.segments AS segments, r.moves AS moves
ORDER BY at DESC
LIMIT $limit
