// One customer's 360 in one round trip: the profile, every distinct identifier and address of their records,
// the devices of their logged-in cookies, the newest purchases and tickets (notes oldest first) and the stores
// they bought at. What the API's full 360 query shows, read the way a client that wants one round trip per
// customer reads it (the API reads the same in five batched queries, docs/api.md).
// Events attach as in customer_identities: through the records' identifiers (hub and junk values excluded, a
// household's kept) and the cookies of web sessions logged in as one of them.
// $limit is the page size + 1 (one more tells whether more follow), for purchases and tickets alike.
// Every aggregation is done in a WITH or a subquery's RETURN before a map is built around it, and no map
// projection is nested in a map literal: the embedded store answers both wrongly.
MATCH (c:Customer {id: $id})
CALL (c) {
  MATCH (c)-[:HAS_RECORD]->(:SourceRecord)-[:HAS_IDENTIFIER]->(i:Identifier)
  WITH DISTINCT i.type AS type, i.value AS value
  ORDER BY type, value
  RETURN collect({type: type, value: value}) AS identifiers
}
CALL (c) {
  MATCH (c)-[:HAS_RECORD]->(r:SourceRecord)
  WHERE r.street IS NOT NULL OR r.house_number IS NOT NULL OR r.postcode IS NOT NULL OR r.city IS NOT NULL
     OR r.country IS NOT NULL
  WITH r ORDER BY r.key
  WITH r.street AS street, r.house_number AS house_number, r.postcode AS postcode, r.city AS city,
       r.country AS country, collect(r.key) AS record_keys
  ORDER BY record_keys[0]
  RETURN collect({street: street, house_number: house_number, postcode: postcode, city: city, country: country,
                  record_keys: record_keys}) AS addresses
}
CALL (c) {
  MATCH (c)-[:HAS_RECORD]->(:SourceRecord)-[:HAS_IDENTIFIER]->(i:Identifier)
  WHERE i.blocked IS NULL OR i.blocked = 'household'
  RETURN collect(DISTINCT i) AS own
}
CALL (own) {
  UNWIND own AS i
  MATCH (i)<-[:LOGGED_IN_AS]-(:WebSession)-[:FROM]->(cookie:Identifier)
  RETURN collect(DISTINCT cookie) AS cookies
}
CALL (cookies) {
  UNWIND cookies AS cookie
  MATCH (cookie)-[:SEEN_ON]->(device:Identifier)
  WITH DISTINCT device.value AS device
  ORDER BY device
  RETURN collect(device) AS devices
}
WITH c, identifiers, addresses, own + cookies AS attached, devices
CALL (attached) {
  UNWIND attached AS i
  MATCH (i)<-[:BY]-(t:Transaction)
  RETURN collect(DISTINCT t) AS purchases
}
CALL (purchases) {
  UNWIND purchases AS t
  WITH t ORDER BY t.at DESC, t.key DESC LIMIT $limit
  OPTIONAL MATCH (t)-[:AT]->(s:Store)
  WITH t, s ORDER BY t.at DESC, t.key DESC
  RETURN collect(t {.key, .at, .amount_minor, .currency, .channel, store_key: s.key, store_name: s.name})
         AS transactions
}
CALL (purchases) {
  UNWIND purchases AS t
  MATCH (t)-[:AT]->(s:Store)
  WITH s, t.currency AS currency, count(t) AS visits, sum(t.amount_minor) AS spend_minor, max(t.at) AS last_visit
  // projected before the map is built: the embedded store returns a projection nested in a map literal as the
  // whole map
  WITH s {.key, .name, .city, .latitude, .longitude} AS store, currency, visits, spend_minor, last_visit
  ORDER BY visits DESC, last_visit DESC, store.key
  RETURN collect({store: store, currency: currency, visits: visits, spend_minor: spend_minor,
                  last_visit: last_visit}) AS stores
}
CALL (attached) {
  UNWIND attached AS i
  MATCH (i)<-[:RAISED_BY]-(t:Ticket)
  WITH DISTINCT t ORDER BY t.opened_at DESC, t.key DESC LIMIT $limit
  CALL (t) {
    OPTIONAL MATCH (t)<-[:ON]-(n:TicketNote)
    WITH n ORDER BY n.at
    RETURN collect(n {.at, .by, .text}) AS notes
  }
  WITH t, notes ORDER BY t.opened_at DESC, t.key DESC
  RETURN collect(t {.key, .opened_at, .status, .channel, .subject, notes: notes}) AS tickets
}
RETURN c {.id, .first_name, .last_name, .birth_date, .email, .phone, .street, .house_number, .postcode, .city,
          .country, .customer_number} AS customer,
       identifiers, addresses, devices, transactions, tickets, stores
