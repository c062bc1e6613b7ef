// A ticket to annotate: its status and the customer who raised it.
MATCH (t:Ticket {key: $key})
OPTIONAL MATCH (t)-[:RAISED_BY]->(:Identifier)<-[:HAS_IDENTIFIER]-(:SourceRecord)<-[:HAS_RECORD]-(c:Customer)
RETURN t.status AS status, min(c.id) AS customer_id
