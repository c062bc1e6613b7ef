// Append change events to the outbox in the transaction of the change they describe. The counter is written
// first: on Neo4j that takes its write lock until commit, so a concurrent writer waits and numbers after this
// one; on the embedded store (optimistic) a concurrent writer fails at commit and is replayed. Either way the
// committed events are numbered 1, 2, 3... without a gap or a repeat, in commit order.
MERGE (o:OutboxCounter {name: 'outbox'})
  ON CREATE SET o.seq = 0
SET o.seq = o.seq + size($events)
WITH o.seq - size($events) AS base
UNWIND range(0, size($events) - 1) AS i
WITH base + i + 1 AS seq, $events[i] AS e
CREATE (x:ChangeEvent {seq: seq, at: $at, kind: e.kind, customer_id: e.customer_id,
                       previous_customer_ids: e.previous_customer_ids, payload: e.payload})
SET x.origin = e.origin
RETURN seq
ORDER BY seq
