// Stores by key, with every property a customer's stores show (node(id:)).
UNWIND $keys AS key
MATCH (s:Store {key: key})
RETURN s.key AS key, properties(s) AS store
