// Homes of an erased customer where nobody else lives or lived: an address is theirs alone then.
UNWIND $keys AS key
MATCH (h:Home {key: key})
WHERE NOT EXISTS { MATCH (h)<-[:LIVES_AT|LIVED_AT]-() }
DETACH DELETE h
RETURN count(h) AS homes
