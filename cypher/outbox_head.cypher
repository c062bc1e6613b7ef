// The last sequence number handed out: what a destination's lag is measured against.
OPTIONAL MATCH (o:OutboxCounter {name: 'outbox'})
RETURN coalesce(o.seq, 0) AS head
