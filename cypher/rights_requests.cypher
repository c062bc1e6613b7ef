// Support tickets whose subject may be a rights request (the caller gives the words; it classifies them),
// with the customer who raised them: newest first.
MATCH (t:Ticket)
WHERE t.subject IS NOT NULL AND any(word IN $words WHERE toLower(t.subject) CONTAINS word)
  AND ($open_only = false OR t.status IS NULL OR t.status <> 'closed')
OPTIONAL MATCH (t)-[:RAISED_BY]->(:Identifier)<-[:HAS_IDENTIFIER]-(:SourceRecord)<-[:HAS_RECORD]-(c:Customer)
RETURN t.key AS ticket, t.subject AS subject, t.status AS status, t.opened_at AS opened_at,
       min(c.id) AS customer_id
ORDER BY opened_at DESC, ticket
