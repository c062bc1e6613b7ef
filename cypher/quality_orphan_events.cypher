// Events linked to nobody: no identifier they carry reaches a customer the way the 360 reaches events
// (cypher/customer_identities.cypher: a record's identifier that is not junk nor a hub, a cookie logged in
// as one, a device such a cookie was seen on). Events of erased people point to their tombstone instead and
// are left out. One row: each kind's total and orphans.
CALL () { MATCH (e:Transaction) RETURN count(e) AS transactions }
CALL () {
  MATCH (e:Transaction)
  WHERE NOT EXISTS { MATCH (e)-->(:Erased) }
    AND NOT EXISTS {
      MATCH (e)-[:BY]->(i:Identifier)<-[:HAS_IDENTIFIER]-(:SourceRecord)<-[:HAS_RECORD]-(:Customer)
      WHERE i.blocked IS NULL OR i.blocked = 'household' }
    AND NOT EXISTS {
      MATCH (e)-[:BY]->(:Identifier)<-[:FROM]-(:WebSession)-[:LOGGED_IN_AS]->(i:Identifier)
            <-[:HAS_IDENTIFIER]-(:SourceRecord)<-[:HAS_RECORD]-(:Customer)
      WHERE i.blocked IS NULL OR i.blocked = 'household' }
    AND NOT EXISTS {
      MATCH (e)-[:BY]->(:Identifier)<-[:SEEN_ON]-(:Identifier)<-[:FROM]-(:WebSession)
            -[:LOGGED_IN_AS]->(i:Identifier)<-[:HAS_IDENTIFIER]-(:SourceRecord)<-[:HAS_RECORD]-(:Customer)
      WHERE i.blocked IS NULL OR i.blocked = 'household' }
  RETURN count(e) AS transaction_orphans
}
CALL () { MATCH (e:Ticket) RETURN count(e) AS tickets }
CALL () {
  MATCH (e:Ticket)
  WHERE NOT EXISTS { MATCH (e)-->(:Erased) }
    AND NOT EXISTS {
      MATCH (e)-[:RAISED_BY]->(i:Identifier)<-[:HAS_IDENTIFIER]-(:SourceRecord)<-[:HAS_RECORD]-(:Customer)
      WHERE i.blocked IS NULL OR i.blocked = 'household' }
    AND NOT EXISTS {
      MATCH (e)-[:RAISED_BY]->(:Identifier)<-[:FROM]-(:WebSession)-[:LOGGED_IN_AS]->(i:Identifier)
            <-[:HAS_IDENTIFIER]-(:SourceRecord)<-[:HAS_RECORD]-(:Customer)
      WHERE i.blocked IS NULL OR i.blocked = 'household' }
    AND NOT EXISTS {
      MATCH (e)-[:RAISED_BY]->(:Identifier)<-[:SEEN_ON]-(:Identifier)<-[:FROM]-(:WebSession)
            -[:LOGGED_IN_AS]->(i:Identifier)<-[:HAS_IDENTIFIER]-(:SourceRecord)<-[:HAS_RECORD]-(:Customer)
      WHERE i.blocked IS NULL OR i.blocked = 'household' }
  RETURN count(e) AS ticket_orphans
}
CALL () { MATCH (e:ConsentEvent) RETURN count(e) AS consent_events }
CALL () {
  MATCH (e:ConsentEvent)
  WHERE NOT EXISTS { MATCH (e)-->(:Erased) }
    AND NOT EXISTS {
      MATCH (e)-[:FOR]->(i:Identifier)<-[:HAS_IDENTIFIER]-(:SourceRecord)<-[:HAS_RECORD]-(:Customer)
      WHERE i.blocked IS NULL OR i.blocked = 'household' }
    AND NOT EXISTS {
      MATCH (e)-[:FOR]->(:Identifier)<-[:FROM]-(:WebSession)-[:LOGGED_IN_AS]->(i:Identifier)
            <-[:HAS_IDENTIFIER]-(:SourceRecord)<-[:HAS_RECORD]-(:Customer)
      WHERE i.blocked IS NULL OR i.blocked = 'household' }
    AND NOT EXISTS {
      MATCH (e)-[:FOR]->(:Identifier)<-[:SEEN_ON]-(:Identifier)<-[:FROM]-(:WebSession)
            -[:LOGGED_IN_AS]->(i:Identifier)<-[:HAS_IDENTIFIER]-(:SourceRecord)<-[:HAS_RECORD]-(:Customer)
      WHERE i.blocked IS NULL OR i.blocked = 'household' }
  RETURN count(e) AS consent_event_orphans
}
CALL () { MATCH (e:WebSession) RETURN count(e) AS web_sessions }
CALL () {
  MATCH (e:WebSession)
  WHERE NOT EXISTS { MATCH (e)-->(:Erased) }
    AND NOT EXISTS {
      MATCH (e)-[:FROM|LOGGED_IN_AS]->(i:Identifier)<-[:HAS_IDENTIFIER]-(:SourceRecord)<-[:HAS_RECORD]-(:Customer)
      WHERE i.blocked IS NULL OR i.blocked = 'household' }
    AND NOT EXISTS {
      MATCH (e)-[:FROM|LOGGED_IN_AS]->(:Identifier)<-[:FROM]-(:WebSession)-[:LOGGED_IN_AS]->(i:Identifier)
            <-[:HAS_IDENTIFIER]-(:SourceRecord)<-[:HAS_RECORD]-(:Customer)
      WHERE i.blocked IS NULL OR i.blocked = 'household' }
    AND NOT EXISTS {
      MATCH (e)-[:FROM|LOGGED_IN_AS]->(:Identifier)<-[:SEEN_ON]-(:Identifier)<-[:FROM]-(:WebSession)
            -[:LOGGED_IN_AS]->(i:Identifier)<-[:HAS_IDENTIFIER]-(:SourceRecord)<-[:HAS_RECORD]-(:Customer)
      WHERE i.blocked IS NULL OR i.blocked = 'household' }
  RETURN count(e) AS web_session_orphans
}
RETURN transactions, transaction_orphans,
       tickets, ticket_orphans,
       consent_events, consent_event_orphans,
       web_sessions, web_session_orphans
