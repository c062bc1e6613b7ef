// Identifiers marked blocked, whatever their type: a type that stopped linking must lose its marks.
MATCH (i:Identifier)
WHERE i.blocked IS NOT NULL
RETURN i.key AS key
