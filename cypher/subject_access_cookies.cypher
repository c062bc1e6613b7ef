// The given cookies with the devices each was seen on and which of the given own identifiers a session from
// it logged in as (what ties the cookie to the person).
UNWIND $cookies AS k
MATCH (cookie:Identifier {key: k})
CALL (cookie) {
  OPTIONAL MATCH (cookie)-[:SEEN_ON]->(d:Identifier)
  RETURN collect(DISTINCT d.value) AS devices
}
CALL (cookie) {
  OPTIONAL MATCH (cookie)<-[:FROM]-(:WebSession)-[:LOGGED_IN_AS]->(i:Identifier)
  WHERE i.key IN $own
  RETURN collect(DISTINCT i.key) AS logged_in_as
}
RETURN cookie.key AS key, cookie.value AS value, devices, logged_in_as
ORDER BY key
