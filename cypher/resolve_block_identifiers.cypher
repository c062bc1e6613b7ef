// Mark each given identifier with why it may not link (junk, a hub carried by more records than its type
// allows, or a household value whose records are clearly different people), or clear the mark of one that
// may again. Returns the identifiers whose mark changed.
UNWIND $keys AS k
MATCH (i:Identifier {key: k})
WITH i, COUNT { (i)<-[:HAS_IDENTIFIER]-(:SourceRecord) } AS records
WITH i, records,
     CASE
       WHEN NOT i.type IN $types THEN null
       WHEN i.key IN $junk_keys THEN 'blocklist'
       WHEN any(prefix IN $junk_prefixes WHERE i.key STARTS WITH prefix) THEN 'blocklist prefix'
       WHEN any(pattern IN $junk_patterns WHERE i.value =~ pattern) THEN 'blocklist pattern'
       WHEN records > $max_records[i.type] THEN 'hub'
       WHEN i.key IN $households THEN 'household'
       ELSE null
     END AS reason
WHERE coalesce(i.blocked, '') <> coalesce(reason, '')
SET i.blocked = reason
RETURN i.key AS key
