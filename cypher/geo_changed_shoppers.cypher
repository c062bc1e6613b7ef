// Customers with transactions loaded since the last locate run: their SHOPS_AT must be refreshed.
MATCH (t:Transaction)
WHERE t.loaded_at >= $since
MATCH (t)-[:BY]->(:Identifier)<-[:HAS_IDENTIFIER]-(:SourceRecord)<-[:HAS_RECORD]-(c:Customer)
RETURN DISTINCT c.id AS id
