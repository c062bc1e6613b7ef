// Upsert customer source records with their identifiers. A record whose content hash did not change is
// left untouched; a changed one is replaced and loses the identifiers it no longer carries.
// Lineage values common to the batch travel once ($run_id, $loaded_at): temporal values inside every row
// halve the embedded store's write rate.
UNWIND $rows AS row
MERGE (r:SourceRecord {key: row.key})
WITH r, row
WHERE r.hash IS NULL OR r.hash <> row.hash
SET r = row.props, r.load_run = $run_id, r.loaded_at = $loaded_at
WITH r, row
OPTIONAL MATCH (r)-[gone:HAS_IDENTIFIER]->(old:Identifier)
WHERE NOT old.key IN row.identifier_keys
DELETE gone
WITH DISTINCT r, row
UNWIND row.identifiers AS ident
MERGE (i:Identifier {key: ident.key})
  ON CREATE SET i.type = ident.type, i.value = ident.value
MERGE (r)-[h:HAS_IDENTIFIER]->(i)
  ON CREATE SET h.first_seen = $loaded_at, h.source = r.source
SET h.last_seen = $loaded_at
