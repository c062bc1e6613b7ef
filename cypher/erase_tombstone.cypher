// One anonymous node per erasure: keyed hashes only, and one ErasedKey per hash for the loaders' look-up.
CREATE (e:Erased {id: $id, at: $at, by: $by, why: $why, records: $records, identifiers: $identifiers})
WITH e
UNWIND $records + $identifiers AS hash
MERGE (k:ErasedKey {hash: hash})
MERGE (k)-[:ERASED_IN]->(e)
