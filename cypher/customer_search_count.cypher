// How many customers customer_search finds in all (its criteria, without the page): searchCustomers'
// totalCount, run only when asked.
CALL {
  WITH $email_prefix AS prefix
  WITH prefix WHERE prefix IS NOT NULL
  MATCH (i:Identifier) WHERE i.key STARTS WITH prefix
  MATCH (i)<-[:HAS_IDENTIFIER]-(:SourceRecord)<-[:HAS_RECORD]-(c:Customer)
  RETURN c
  UNION
  WITH $email_prefix AS prefix, $postcode AS postcode
  WITH postcode WHERE prefix IS NULL AND postcode IS NOT NULL
  MATCH (c:Customer {postcode: postcode})
  RETURN c
  UNION
  WITH $email_prefix AS prefix, $postcode AS postcode
  WITH prefix WHERE prefix IS NULL AND postcode IS NULL
  UNWIND $last_name_prefixes AS start
  MATCH (c:Customer) WHERE c.last_name STARTS WITH start
  RETURN c
}
WITH DISTINCT c, toLower(coalesce(c.first_name, '') + ' ' + coalesce(c.last_name, '')) AS name
WHERE all(word IN $words WHERE name CONTAINS word)
  AND ($postcode IS NULL OR c.postcode = $postcode)
RETURN count(c) AS count
