// Each customer's latest activity of every kind: a record loaded or changed (loaded_at), a purchase, a ticket
// (closed, else opened), a web session logged in as them, a consent, a service-desk change. Events count
// through the identifiers the customer's records carry, as everywhere in c360.
MATCH (c:Customer)
OPTIONAL MATCH (c)-[:HAS_RECORD]->(r:SourceRecord)
WITH c, max(r.loaded_at) AS loaded
OPTIONAL MATCH (c)-[:HAS_RECORD]->(:SourceRecord)-[:HAS_IDENTIFIER]->(:Identifier)<-[:BY]-(t:Transaction)
WITH c, loaded, max(t.at) AS bought
OPTIONAL MATCH (c)-[:HAS_RECORD]->(:SourceRecord)-[:HAS_IDENTIFIER]->(:Identifier)<-[:RAISED_BY]-(k:Ticket)
WITH c, loaded, bought, max(coalesce(k.closed_at, k.opened_at)) AS served
OPTIONAL MATCH (c)-[:HAS_RECORD]->(:SourceRecord)-[:HAS_IDENTIFIER]->(:Identifier)<-[:LOGGED_IN_AS]-(w:WebSession)
WITH c, loaded, bought, served, max(w.started_at) AS browsed
OPTIONAL MATCH (c)-[:HAS_RECORD]->(:SourceRecord)-[:HAS_IDENTIFIER]->(:Identifier)<-[:FOR]-(e:ConsentEvent)
WITH c, loaded, bought, served, browsed, max(e.at) AS consented
OPTIONAL MATCH (a:AuditEvent {customer: c.id})
WITH c, loaded, bought, served, browsed, consented, max(a.at) AS changed
RETURN c.id AS id, loaded, bought, served, browsed, consented, changed
