// Completeness of customer records: per source and field, how many records hold a value (blank cells are
// never stored, the loaders drop them) beside how many records the source has. One pass over the records.
MATCH (r:SourceRecord)
UNWIND $fields AS field
WITH r.source AS source, field, count(r) AS records, count(r[field]) AS present
RETURN source, field, records, present
ORDER BY source, field
