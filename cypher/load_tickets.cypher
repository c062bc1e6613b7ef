// Upsert support tickets raised by the identifiers the customer used.
UNWIND $rows AS row
MERGE (t:Ticket {key: row.key})
WITH t, row
WHERE t.hash IS NULL OR t.hash <> row.hash
SET t = row.props, t.load_run = $run_id, t.loaded_at = $loaded_at
WITH t, row
OPTIONAL MATCH (t)-[old:RAISED_BY]->()
DELETE old
WITH DISTINCT t, row
FOREACH (ident IN row.identifiers |
  MERGE (i:Identifier {key: ident.key})
    ON CREATE SET i.type = ident.type, i.value = ident.value
  MERGE (t)-[:RAISED_BY]->(i))
