// The audited changes service staff made to each customer, newest first.
UNWIND $ids AS id
MATCH (e:AuditEvent {customer: id})
RETURN id, properties(e) AS event
ORDER BY id, event.at DESC
