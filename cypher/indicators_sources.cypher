// Source records per source.
MATCH (r:SourceRecord)
RETURN r.source AS source, count(*) AS records
ORDER BY records DESC, source
