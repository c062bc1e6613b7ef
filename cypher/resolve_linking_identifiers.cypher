// Every identifier resolution must look at: those of linking types, and any still marked blocked.
MATCH (i:Identifier)
WHERE i.type IN $types OR i.blocked IS NOT NULL
RETURN i.key AS key
