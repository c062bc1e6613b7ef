// Every identifier of a linking type: what a full run refreshes.
MATCH (i:Identifier)
WHERE i.type IN $types
RETURN i.key AS key
