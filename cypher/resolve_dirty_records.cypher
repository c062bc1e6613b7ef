// Records loaded or changed since a time: the loaders stamp every written record with `loaded_at`.
MATCH (r:SourceRecord)
WHERE r.loaded_at >= $since
RETURN r.key AS key
