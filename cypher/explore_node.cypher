// One node of the customer domain by its label and key (the key property of each label: Customer.id,
// Purpose.name, Segment.name, every other label's key), with how many neighbours it has over each
// relationship type asked: the explorer's starting point and the "N more" of each type; with the customers
// whose data it is (``holders``: the access log names them). One row per type;
// none when there is no such node, or when it is an identifier of a type left out ($leave_out).
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
WITH n,
     CASE
       WHEN n:Customer THEN [n.id]
       WHEN n:SourceRecord THEN [(c:Customer)-[:HAS_RECORD]->(n) | c.id]
       WHEN n:Identifier THEN [(c:Customer)-[:HAS_RECORD]->(:SourceRecord)-[:HAS_IDENTIFIER]->(n) | c.id]
       WHEN n:Home THEN [(c:Customer)-[:LIVES_AT|LIVED_AT]->(n) | c.id]
       WHEN n:Transaction OR n:Ticket OR n:ConsentEvent OR n:WebSession
         THEN [(n)-[:BY|RAISED_BY|FOR|FROM|LOGGED_IN_AS]->(:Identifier)<-[:HAS_IDENTIFIER]-(:SourceRecord)
               <-[:HAS_RECORD]-(c:Customer) | c.id]
       WHEN n:TicketNote
         THEN [(n)-[:ON]->(:Ticket)-[:RAISED_BY]->(:Identifier)<-[:HAS_IDENTIFIER]-(:SourceRecord)
               <-[:HAS_RECORD]-(c:Customer) | c.id]
       ELSE []
     END AS holders
UNWIND $types AS type
CALL (n, type) {
  MATCH (n)-[r]-(m)
  WHERE type(r) = type AND any(l IN labels(m) WHERE l IN $labels) AND NOT (m:Identifier AND m.type IN $leave_out)
  RETURN count(r) AS total
}
RETURN labels(n)[0] AS label, properties(n) AS node, type, total, holders
