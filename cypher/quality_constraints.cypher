// Constraint checks, each a count of violations: a business key missing or shared by several nodes (the
// store's constraints should make these 0; a store loaded without them may not), a record in no customer or
// in several, a customer without records. One row.
CALL () {
  MATCH (n:SourceRecord)
  WITH n.key AS value, count(n) AS nodes
  WHERE value IS NULL OR nodes > 1
  RETURN coalesce(sum(nodes), 0) AS unique_source_record_key
}
CALL () {
  MATCH (n:Identifier)
  WITH n.key AS value, count(n) AS nodes
  WHERE value IS NULL OR nodes > 1
  RETURN coalesce(sum(nodes), 0) AS unique_identifier_key
}
CALL () {
  MATCH (n:Customer)
  WITH n.id AS value, count(n) AS nodes
  WHERE value IS NULL OR nodes > 1
  RETURN coalesce(sum(nodes), 0) AS unique_customer_id
}
CALL () {
  MATCH (n:Store)
  WITH n.key AS value, count(n) AS nodes
  WHERE value IS NULL OR nodes > 1
  RETURN coalesce(sum(nodes), 0) AS unique_store_key
}
CALL () {
  MATCH (n:Transaction)
  WITH n.key AS value, count(n) AS nodes
  WHERE value IS NULL OR nodes > 1
  RETURN coalesce(sum(nodes), 0) AS unique_transaction_key
}
CALL () {
  MATCH (n:Ticket)
  WITH n.key AS value, count(n) AS nodes
  WHERE value IS NULL OR nodes > 1
  RETURN coalesce(sum(nodes), 0) AS unique_ticket_key
}
CALL () {
  MATCH (n:WebSession)
  WITH n.key AS value, count(n) AS nodes
  WHERE value IS NULL OR nodes > 1
  RETURN coalesce(sum(nodes), 0) AS unique_web_session_key
}
CALL () {
  MATCH (n:ConsentEvent)
  WITH n.key AS value, count(n) AS nodes
  WHERE value IS NULL OR nodes > 1
  RETURN coalesce(sum(nodes), 0) AS unique_consent_event_key
}
CALL () {
  MATCH (r:SourceRecord)
  WITH COUNT { (r)<-[:HAS_RECORD]-(:Customer) } AS customers
  RETURN sum(CASE WHEN customers = 0 THEN 1 ELSE 0 END) AS record_without_customer,
         sum(CASE WHEN customers > 1 THEN 1 ELSE 0 END) AS record_in_several_customers
}
CALL () {
  MATCH (c:Customer)
  WHERE NOT EXISTS { MATCH (c)-[:HAS_RECORD]->(:SourceRecord) }
  RETURN count(c) AS customer_without_record
}
RETURN unique_source_record_key, unique_identifier_key, unique_customer_id, unique_store_key, unique_transaction_key, unique_ticket_key, unique_web_session_key, unique_consent_event_key, record_without_customer, record_in_several_customers, customer_without_record
