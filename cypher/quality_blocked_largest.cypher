// The blocked values carried by the most records, households left out: a household's shared email or
// phone is a family's own, while junk and hub values are shared by more records than a person has.
MATCH (i:Identifier)
WHERE i.blocked IS NOT NULL AND i.blocked <> 'household'
WITH i, COUNT { (i)<-[:HAS_IDENTIFIER]-(:SourceRecord) } AS records
RETURN i.key AS key, i.type AS type, i.blocked AS reason, records
ORDER BY records DESC, key
LIMIT $limit
