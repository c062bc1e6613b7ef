// Which of these keyed hashes (of record and identifier keys) an erasure left, and when: the loaders refuse
// the rows that carry one.
UNWIND $hashes AS hash
MATCH (k:ErasedKey {hash: hash})-[:ERASED_IN]->(e:Erased)
RETURN k.hash AS hash, min(e.at) AS at
