// A destination's dead letters, oldest event first.
MATCH (d:DeadLetter {destination: $destination})
RETURN d.seq AS seq, d.customer_id AS customer_id, d.error AS error, d.attempts AS attempts, d.at AS at
ORDER BY seq
