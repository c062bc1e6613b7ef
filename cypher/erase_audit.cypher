// The erasure's own audit event: who, when, why, the tombstone and counts; never an erased value.
CREATE (:AuditEvent {id: $id, kind: 'erase', by: $by, at: $at, why: $why, tombstone: $tombstone,
                     counts: $counts})
