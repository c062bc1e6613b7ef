// One audited change by service staff: who, when, what (kind, target, fields), before and after (JSON).
CREATE (e:AuditEvent)
SET e = $event
