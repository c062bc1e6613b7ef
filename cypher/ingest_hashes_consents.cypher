// The content hashes already stored under these keys: an ingest tells which of its rows change nothing.
MATCH (n:ConsentEvent)
WHERE n.key IN $keys
RETURN n.key AS key, n.hash AS hash
