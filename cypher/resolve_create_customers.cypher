UNWIND $ids AS id
MERGE (c:Customer {id: id})
  ON CREATE SET c.created_at = $now
