// Constraints and indexes, applied idempotently every time a store is opened: the embedded store
// writes 30-50x slower without them.
CREATE CONSTRAINT source_record_key IF NOT EXISTS FOR (r:SourceRecord) REQUIRE r.key IS UNIQUE;
CREATE CONSTRAINT identifier_key IF NOT EXISTS FOR (i:Identifier) REQUIRE i.key IS UNIQUE;
CREATE CONSTRAINT customer_id IF NOT EXISTS FOR (c:Customer) REQUIRE c.id IS UNIQUE;
CREATE CONSTRAINT load_run_id IF NOT EXISTS FOR (l:LoadRun) REQUIRE l.id IS UNIQUE;
CREATE CONSTRAINT resolution_run_id IF NOT EXISTS FOR (r:ResolutionRun) REQUIRE r.id IS UNIQUE;
CREATE INDEX source_record_source IF NOT EXISTS FOR (r:SourceRecord) ON (r.source, r.source_id);
CREATE INDEX identifier_type IF NOT EXISTS FOR (i:Identifier) ON (i.type);
CREATE INDEX customer_last_name IF NOT EXISTS FOR (c:Customer) ON (c.last_name)
