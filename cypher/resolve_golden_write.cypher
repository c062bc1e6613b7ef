// Golden attributes chosen by resolution.golden (majority for names and birth date, source trust then
// recency for the rest), with the record each came from ('first_name=crm:C1', ...: one list property,
// because every property costs the embedded store a write). A null value removes the attribute.
UNWIND $rows AS row
MATCH (c:Customer {id: row.id})
SET c += row.values,
    c.value_sources = row.sources,
    c.record_count = row.count,
    c.updated_at = $now
