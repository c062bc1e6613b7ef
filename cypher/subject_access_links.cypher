// The evidence resolution joined a customer's records by: identifiers it linked them through (LINKED_BY)
// and probabilistic matches between two of them (SIMILAR_TO, with score, rule and per-comparison weights).
MATCH (:Customer {id: $id})-[:HAS_RECORD]->(r:SourceRecord)-[:LINKED_BY]->(i:Identifier)
RETURN 'identifier' AS kind, r.key AS record, i.key AS identifier, null AS other, null AS score, null AS rule,
       null AS weights
UNION ALL
MATCH (c:Customer {id: $id})-[:HAS_RECORD]->(r:SourceRecord)-[s:SIMILAR_TO]->(o:SourceRecord)
WHERE (c)-[:HAS_RECORD]->(o)
RETURN 'match' AS kind, r.key AS record, null AS identifier, o.key AS other, s.score AS score, s.rule AS rule,
       s.weights AS weights
