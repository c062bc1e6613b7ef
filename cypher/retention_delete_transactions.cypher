// Expired transactions deleted with their links; the identifiers they pointed to, for the orphan sweep.
UNWIND $keys AS key
MATCH (t:Transaction {key: key})
OPTIONAL MATCH (t)-[:BY]->(i:Identifier)
WITH t, collect(i.key) AS identifiers
DETACH DELETE t
RETURN identifiers
