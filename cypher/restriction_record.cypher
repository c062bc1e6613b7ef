// One restriction or objection of a customer's processing for a purpose, or its lifting: an event in the
// restriction ledger, on every record the customer holds now (records outlive the customer node through
// merges and splits), audited. Returns how many records it covers (0: no such customer).
MATCH (c:Customer {id: $id})-[:HAS_RECORD]->(r:SourceRecord)
WITH collect(r) AS records
WHERE size(records) > 0
CREATE (e:RestrictionEvent {key: $key, purpose: $purpose, kind: $kind, restricted: $restricted, at: $at, by: $by,
                            why: $why})
CREATE (:AuditEvent {id: $audit_id, kind: $audit_kind, by: $by, at: $at, customer: $id, target: $key,
                     fields: [$purpose], why: $why, before: $before, after: $after})
WITH e, records
UNWIND records AS r
CREATE (e)-[:ON]->(r)
RETURN count(r) AS records
