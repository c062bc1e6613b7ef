// Every event's payload not yet redacted, for an erasure to find those that hold the person's values.
MATCH (e:ChangeEvent)
WHERE e.kind <> 'erased' AND e.payload <> $marker
RETURN e.seq AS seq, e.payload AS payload
