// Customers by name words (each must appear in the golden name, any case), postcode and email prefix;
// keyset-paginated by id. An email prefix starts from the identifier index, the rest scans profiles.
CALL {
  WITH $email_prefix AS prefix
  WITH prefix WHERE prefix IS NOT NULL
  MATCH (i:Identifier) WHERE i.key STARTS WITH prefix
  MATCH (i)<-[:HAS_IDENTIFIER]-(:SourceRecord)<-[:HAS_RECORD]-(c:Customer)
  RETURN DISTINCT c
  UNION
  WITH $email_prefix AS prefix
  WITH prefix WHERE prefix IS NULL
  MATCH (c:Customer)
  RETURN c
}
WITH c, toLower(coalesce(c.first_name, '') + ' ' + coalesce(c.last_name, '')) AS name
WHERE all(word IN $words WHERE name CONTAINS word)
  AND ($postcode IS NULL OR c.postcode = $postcode)
  AND ($after IS NULL OR c.id > $after)
RETURN c.id AS id
ORDER BY id
LIMIT $limit
