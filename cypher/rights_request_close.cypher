// A rights request answered: its ticket is closed, with the audit event saying by whom and under which
// decision (the erasure's, the restriction's, or the export's).
MATCH (t:Ticket {key: $key})
SET t.status = 'closed', t.closed_at = coalesce(t.closed_at, $at)
CREATE (:AuditEvent {id: $audit_id, kind: 'close_request', by: $by, at: $at, customer: $customer, target: $key,
                     fields: ['status'], why: $why, before: $before, after: '{"status": "closed"}'})
RETURN t.key AS key
