// The neighbours of one node of the customer domain over each relationship type asked, at most $limit per
// type (the first the store finds: a hub's thousands are never all read), nodes of other labels and
// identifiers of a type left out ($leave_out) excepted. One row per relationship, with the customers whose
// data the neighbour is (``holders``: the access log names them).
CALL () {
  MATCH (n:Customer {id: $key}) WHERE $label = 'Customer' RETURN n
  UNION
  MATCH (n:SourceRecord {key: $key}) WHERE $label = 'SourceRecord' RETURN n
  UNION
  MATCH (n:Identifier {key: $key}) WHERE $label = 'Identifier' RETURN n
  UNION
  MATCH (n:Home {key: $key}) WHERE $label = 'Home' RETURN n
  UNION
  MATCH (n:Store {key: $key}) WHERE $label = 'Store' RETURN n
  UNION
  MATCH (n:Transaction {key: $key}) WHERE $label = 'Transaction' RETURN n
  UNION
  MATCH (n:Ticket {key: $key}) WHERE $label = 'Ticket' RETURN n
  UNION
  MATCH (n:TicketNote {key: $key}) WHERE $label = 'TicketNote' RETURN n
  UNION
  MATCH (n:WebSession {key: $key}) WHERE $label = 'WebSession' RETURN n
  UNION
  MATCH (n:ConsentEvent {key: $key}) WHERE $label = 'ConsentEvent' RETURN n
  UNION
  MATCH (n:Purpose {name: $key}) WHERE $label = 'Purpose' RETURN n
  UNION
  MATCH (n:Segment {name: $key}) WHERE $label = 'Segment' RETURN n
}
WITH n
WHERE NOT (n:Identifier AND n.type IN $leave_out)
UNWIND $types AS type
CALL (n, type) {
  MATCH (n)-[r]-(m)
  WHERE type(r) = type AND any(l IN labels(m) WHERE l IN $labels) AND NOT (m:Identifier AND m.type IN $leave_out)
  RETURN r, m, startNode(r) = n AS outgoing
  LIMIT $limit
}
RETURN type, outgoing, properties(r) AS relationship, labels(m)[0] AS label,
       CASE WHEN m:Customer THEN m.id WHEN m:Purpose OR m:Segment THEN m.name ELSE m.key END AS key,
       properties(m) AS node,
       CASE
         WHEN m:Customer THEN [m.id]
         WHEN m:SourceRecord THEN [(c:Customer)-[:HAS_RECORD]->(m) | c.id]
         WHEN m:Identifier THEN [(c:Customer)-[:HAS_RECORD]->(:SourceRecord)-[:HAS_IDENTIFIER]->(m) | c.id]
         WHEN m:Home THEN [(c:Customer)-[:LIVES_AT|LIVED_AT]->(m) | c.id]
         WHEN m:Transaction OR m:Ticket OR m:ConsentEvent OR m:WebSession
           THEN [(m)-[:BY|RAISED_BY|FOR|FROM|LOGGED_IN_AS]->(:Identifier)<-[:HAS_IDENTIFIER]-(:SourceRecord)
                 <-[:HAS_RECORD]-(c:Customer) | c.id]
         WHEN m:TicketNote
           THEN [(m)-[:ON]->(:Ticket)-[:RAISED_BY]->(:Identifier)<-[:HAS_IDENTIFIER]-(:SourceRecord)
                 <-[:HAS_RECORD]-(c:Customer) | c.id]
         ELSE []
       END AS holders
