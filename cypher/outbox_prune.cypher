// Delivered events leave the outbox, oldest first, a batch at a time: every destination is past them and none
// holds them as a dead letter ($up_to), and they are older than the retention ($before). `merged` events stay:
// they are the record of the ids a customer had, which an erasure names to the destinations.
MATCH (e:ChangeEvent)
WHERE e.seq <= $up_to AND e.at < $before AND e.kind <> 'merged'
WITH e
ORDER BY e.seq
LIMIT $limit
DETACH DELETE e
RETURN count(e) AS pruned
