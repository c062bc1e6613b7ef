// What a customer's events can be attached by: the identifiers of their records (hub and junk values
// excluded, or every customer sharing one would show strangers' purchases; a household's shared email or
// phone kept, so a family purchase shows on each of them), the cookies of web sessions logged in as one of
// them, and the devices those cookies were seen on.
UNWIND $ids AS id
MATCH (:Customer {id: id})-[:HAS_RECORD]->(:SourceRecord)-[:HAS_IDENTIFIER]->(i:Identifier)
WHERE i.blocked IS NULL OR i.blocked = 'household'
WITH id, collect(DISTINCT i) AS own
CALL (own) {
  UNWIND own AS i
  MATCH (i)<-[:LOGGED_IN_AS]-(:WebSession)-[:FROM]->(cookie:Identifier)
  RETURN collect(DISTINCT cookie) AS cookies
}
CALL (cookies) {
  UNWIND cookies AS cookie
  MATCH (cookie)-[:SEEN_ON]->(device:Identifier)
  RETURN collect(DISTINCT device) AS devices
}
RETURN id, [i IN own | i.key] + [c IN cookies | c.key] AS keys,
       [d IN devices | d.value] AS devices, [c IN cookies | c.value] AS cookies
