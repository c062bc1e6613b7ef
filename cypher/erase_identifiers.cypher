// Erased identifiers, with every link to them.
UNWIND $keys AS key
MATCH (i:Identifier {key: key})
DETACH DELETE i
