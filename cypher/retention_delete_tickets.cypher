// Expired tickets deleted with their links (their notes go first: erase_ticket_notes); the identifiers
// that raised them, for the orphan sweep.
UNWIND $keys AS key
MATCH (k:Ticket {key: key})
OPTIONAL MATCH (k)-[:RAISED_BY]->(i:Identifier)
WITH k, collect(i.key) AS identifiers
DETACH DELETE k
RETURN identifiers
