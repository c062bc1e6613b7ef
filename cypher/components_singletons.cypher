// No linking relationship exists yet: every record is a component of its own.
MATCH (r:SourceRecord)
OPTIONAL MATCH (c:Customer)-[:HAS_RECORD]->(r)
RETURN r.key AS key, r.key AS component, c.id AS customer_id
