// The profiles whose records carry an identifier; a household phone legitimately yields several.
MATCH (:Identifier {key: $key})<-[:HAS_IDENTIFIER]-(:SourceRecord)<-[:HAS_RECORD]-(c:Customer)
RETURN DISTINCT c.id AS id
ORDER BY id
LIMIT $limit
