// The events about erased customers keep their number, kind and time; their personal content goes. Found by
// the customer they are about, a former id of theirs, or their number (events of others whose payload holds
// the person's values: a merge or split naming their records). The erasure's own `erased` event keeps the
// id: it is how destinations learn whom to delete.
MATCH (e:ChangeEvent)
WHERE e.kind <> 'erased'
  AND (e.customer_id IN $ids OR any(p IN e.previous_customer_ids WHERE p IN $ids) OR e.seq IN $seqs)
SET e.payload = $marker, e.customer_id = $tombstone, e.previous_customer_ids = []
RETURN count(e) AS events
