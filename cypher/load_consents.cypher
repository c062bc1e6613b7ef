// Consent history is append-only: one event per source row, for its identifiers and purpose.
UNWIND $rows AS row
MERGE (e:ConsentEvent {key: row.key})
WITH e, row
WHERE e.hash IS NULL OR e.hash <> row.hash
SET e = row.props, e.load_run = $run_id, e.loaded_at = $loaded_at
MERGE (p:Purpose {name: row.purpose})
MERGE (e)-[:ABOUT]->(p)
WITH e, row
OPTIONAL MATCH (e)-[old:FOR]->()
DELETE old
WITH DISTINCT e, row
FOREACH (ident IN row.identifiers |
  MERGE (i:Identifier {key: ident.key})
    ON CREATE SET i.type = ident.type, i.value = ident.value
  MERGE (e)-[:FOR]->(i))
