// Restriction and objection decisions about erased records: who decided and why is about the person, and
// nothing is left to restrict. The erasure's own audit event says that it happened.
UNWIND $keys AS key
MATCH (e:RestrictionEvent)-[:ON]->(:SourceRecord {key: key})
WITH DISTINCT e
DETACH DELETE e
RETURN count(e) AS restrictions
