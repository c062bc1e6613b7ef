// ... and each customer's records with their source and identifier keys ('email:ann@x.com'), one row each.
UNWIND $ids AS id
MATCH (:Customer {id: id})-[:HAS_RECORD]->(r:SourceRecord)
OPTIONAL MATCH (r)-[:HAS_IDENTIFIER]->(i:Identifier)
WITH id, r, collect(i.key) AS identifiers
RETURN id, r.key AS record, r.source AS source, identifiers
