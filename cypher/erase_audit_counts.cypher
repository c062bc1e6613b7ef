// The erasure's audit event completed with what the scrub of C360_HOME removed.
MATCH (a:AuditEvent {id: $id, kind: 'erase'})
SET a.counts = $counts
