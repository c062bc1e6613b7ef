// Upsert transactions with the identifiers used and the store. A store not (yet) loaded is created as a
// placeholder so that nothing is lost whatever the load order; loading the stores fills it in.
UNWIND $rows AS row
MERGE (t:Transaction {key: row.key})
WITH t, row
WHERE t.hash IS NULL OR t.hash <> row.hash
SET t = row.props, t.load_run = $run_id, t.loaded_at = $loaded_at
WITH t, row
OPTIONAL MATCH (t)-[old:BY|AT]->()
DELETE old
WITH DISTINCT t, row
FOREACH (ident IN row.identifiers |
  MERGE (i:Identifier {key: ident.key})
    ON CREATE SET i.type = ident.type, i.value = ident.value
  MERGE (t)-[:BY]->(i))
FOREACH (store IN CASE WHEN row.store IS NULL THEN [] ELSE [row.store] END |
  MERGE (s:Store {key: store})
    ON CREATE SET s.placeholder = true
  MERGE (t)-[:AT]->(s))
