// The outbox's first event still kept, and how many are kept: what a prune leaves.
MATCH (e:ChangeEvent)
RETURN min(e.seq) AS oldest, count(e) AS kept
