// Constraints and indexes, applied idempotently every time a store is opened: the embedded store
// writes 30-50x slower without them.
CREATE CONSTRAINT source_record_key IF NOT EXISTS FOR (r:SourceRecord) REQUIRE r.key IS UNIQUE;
CREATE CONSTRAINT identifier_key IF NOT EXISTS FOR (i:Identifier) REQUIRE i.key IS UNIQUE;
CREATE CONSTRAINT customer_id IF NOT EXISTS FOR (c:Customer) REQUIRE c.id IS UNIQUE;
CREATE CONSTRAINT load_run_id IF NOT EXISTS FOR (l:LoadRun) REQUIRE l.run_id IS UNIQUE;
CREATE CONSTRAINT store_key IF NOT EXISTS FOR (s:Store) REQUIRE s.key IS UNIQUE;
CREATE CONSTRAINT transaction_key IF NOT EXISTS FOR (t:Transaction) REQUIRE t.key IS UNIQUE;
CREATE CONSTRAINT web_session_key IF NOT EXISTS FOR (w:WebSession) REQUIRE w.key IS UNIQUE;
CREATE CONSTRAINT ticket_key IF NOT EXISTS FOR (t:Ticket) REQUIRE t.key IS UNIQUE;
CREATE CONSTRAINT consent_event_key IF NOT EXISTS FOR (e:ConsentEvent) REQUIRE e.key IS UNIQUE;
CREATE CONSTRAINT purpose_name IF NOT EXISTS FOR (p:Purpose) REQUIRE p.name IS UNIQUE;
CREATE CONSTRAINT watermark_source IF NOT EXISTS FOR (w:Watermark) REQUIRE w.source IS UNIQUE;
CREATE CONSTRAINT resolution_run_id IF NOT EXISTS FOR (r:ResolutionRun) REQUIRE r.run_id IS UNIQUE;
CREATE CONSTRAINT locate_run_id IF NOT EXISTS FOR (r:LocateRun) REQUIRE r.run_id IS UNIQUE;
CREATE CONSTRAINT score_run_id IF NOT EXISTS FOR (r:ScoreRun) REQUIRE r.run_id IS UNIQUE;
CREATE CONSTRAINT retention_run_id IF NOT EXISTS FOR (r:RetentionRun) REQUIRE r.run_id IS UNIQUE;
CREATE INDEX change_event_seq IF NOT EXISTS FOR (e:ChangeEvent) ON (e.seq);
CREATE CONSTRAINT outbox_counter_name IF NOT EXISTS FOR (o:OutboxCounter) REQUIRE o.name IS UNIQUE;
CREATE CONSTRAINT sync_cursor_destination IF NOT EXISTS FOR (s:SyncCursor) REQUIRE s.destination IS UNIQUE;
CREATE INDEX dead_letter_destination IF NOT EXISTS FOR (d:DeadLetter) ON (d.destination, d.seq);
// the outbox's counter exists before any change is written, so no two first writers race to create it
MERGE (o:OutboxCounter {name: 'outbox'}) ON CREATE SET o.seq = 0;
CREATE INDEX source_record_source IF NOT EXISTS FOR (r:SourceRecord) ON (r.source, r.source_id);
CREATE INDEX identifier_type IF NOT EXISTS FOR (i:Identifier) ON (i.type);
CREATE INDEX customer_last_name IF NOT EXISTS FOR (c:Customer) ON (c.last_name);
CREATE INDEX customer_postcode IF NOT EXISTS FOR (c:Customer) ON (c.postcode);
CREATE INDEX transaction_at IF NOT EXISTS FOR (t:Transaction) ON (t.at);
CREATE INDEX ticket_opened_at IF NOT EXISTS FOR (t:Ticket) ON (t.opened_at);
CREATE INDEX web_session_started_at IF NOT EXISTS FOR (w:WebSession) ON (w.started_at);
CREATE CONSTRAINT match_model_name IF NOT EXISTS FOR (m:MatchModel) REQUIRE m.name IS UNIQUE;
CREATE CONSTRAINT profile_id_key_name IF NOT EXISTS FOR (k:ProfileIdKey) REQUIRE k.name IS UNIQUE;
CREATE INDEX identifier_blocked IF NOT EXISTS FOR (i:Identifier) ON (i.blocked);
CREATE CONSTRAINT ticket_note_key IF NOT EXISTS FOR (n:TicketNote) REQUIRE n.key IS UNIQUE;
CREATE INDEX audit_event_customer IF NOT EXISTS FOR (e:AuditEvent) ON (e.customer);
CREATE CONSTRAINT home_key IF NOT EXISTS FOR (h:Home) REQUIRE h.key IS UNIQUE;
CREATE INDEX home_cell IF NOT EXISTS FOR (h:Home) ON (h.cell);
CREATE CONSTRAINT segment_name IF NOT EXISTS FOR (s:Segment) REQUIRE s.name IS UNIQUE;
CREATE CONSTRAINT campaign_name IF NOT EXISTS FOR (c:Campaign) REQUIRE c.name IS UNIQUE;
CREATE CONSTRAINT hash_key_name IF NOT EXISTS FOR (k:HashKey) REQUIRE k.name IS UNIQUE;
CREATE CONSTRAINT erased_id IF NOT EXISTS FOR (e:Erased) REQUIRE e.id IS UNIQUE;
CREATE CONSTRAINT erased_key_hash IF NOT EXISTS FOR (k:ErasedKey) REQUIRE k.hash IS UNIQUE;
CREATE INDEX access_log_customer IF NOT EXISTS FOR (a:AccessLog) ON (a.customer);
CREATE INDEX access_log_at IF NOT EXISTS FOR (a:AccessLog) ON (a.at)
