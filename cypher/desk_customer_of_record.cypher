// The customer a record belongs to after resolution.
MATCH (c:Customer)-[:HAS_RECORD]->(:SourceRecord {key: $key})
RETURN c.id AS id
