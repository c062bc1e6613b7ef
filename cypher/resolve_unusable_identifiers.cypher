// Identifier values that say nothing about who a record is: junk placeholders and hubs. A household value
// (a family email) stays evidence for matching, though it links nothing by itself.
MATCH (i:Identifier)
WHERE i.blocked IS NOT NULL AND i.blocked <> 'household'
RETURN i.key AS key
