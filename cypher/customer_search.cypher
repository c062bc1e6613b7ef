// Customers by name words, postcode and email prefix, keyset-paginated by id. The start uses an index: the
// email identifier's key prefix, else the postcode, else a word as the prefix of the last name (each word
// is tried: "jean dupont" and "dupont jean" both work); every criterion then filters. Backward ($backward)
// the page is the ids just below $before, read from the highest down (put back in id order by the caller).
// customer_search_count counts what this finds: the two keep the same criteria.
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
  AND ($after IS NULL OR c.id > $after)
  AND ($before IS NULL OR c.id < $before)
RETURN c.id AS id
ORDER BY CASE WHEN $backward THEN id END DESC, id
LIMIT $limit
