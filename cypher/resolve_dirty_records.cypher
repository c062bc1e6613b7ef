// Records loaded or changed since the last resolution, or never resolved.
MATCH (r:SourceRecord)
WHERE r.loaded_at >= $since OR NOT EXISTS { (:Customer)-[:HAS_RECORD]->(r) }
RETURN r.key AS key
