// One step of a walk out from many nodes of the customer domain at once (each by label and key): every
// relationship of the types asked from each of them to a node of the domain's labels, in both directions,
// with both ends' properties. The caller keeps the nodes it has not seen yet as the next step's frontier.
UNWIND $frontier AS f
CALL (f) {
  MATCH (n:Customer {id: f.key}) WHERE f.label = 'Customer' RETURN n
  UNION
  MATCH (n:SourceRecord {key: f.key}) WHERE f.label = 'SourceRecord' RETURN n
  UNION
  MATCH (n:Identifier {key: f.key}) WHERE f.label = 'Identifier' RETURN n
  UNION
  MATCH (n:Home {key: f.key}) WHERE f.label = 'Home' RETURN n
  UNION
  MATCH (n:Store {key: f.key}) WHERE f.label = 'Store' RETURN n
  UNION
  MATCH (n:Transaction {key: f.key}) WHERE f.label = 'Transaction' RETURN n
  UNION
  MATCH (n:Ticket {key: f.key}) WHERE f.label = 'Ticket' RETURN n
  UNION
  MATCH (n:TicketNote {key: f.key}) WHERE f.label = 'TicketNote' RETURN n
  UNION
  MATCH (n:WebSession {key: f.key}) WHERE f.label = 'WebSession' RETURN n
  UNION
  MATCH (n:ConsentEvent {key: f.key}) WHERE f.label = 'ConsentEvent' RETURN n
  UNION
  MATCH (n:Purpose {name: f.key}) WHERE f.label = 'Purpose' RETURN n
  UNION
  MATCH (n:Segment {name: f.key}) WHERE f.label = 'Segment' RETURN n
}
MATCH (n)-[r]-(m)
WHERE type(r) IN $types AND any(l IN labels(m) WHERE l IN $labels)
RETURN f.label AS from_label, f.key AS from_key, elementId(r) AS id, type(r) AS type, startNode(r) = n AS outgoing,
       properties(r) AS relationship, labels(m)[0] AS label,
       CASE WHEN m:Customer THEN m.id WHEN m:Purpose OR m:Segment THEN m.name ELSE m.key END AS key,
       properties(m) AS node
