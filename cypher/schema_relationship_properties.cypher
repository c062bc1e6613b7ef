// Every property of every relationship type: how many relationships hold it, per value type.
MATCH ()-[r]->()
UNWIND keys(r) AS key
WITH type(r) AS type, key, replace(valueType(r[key]), ' NOT NULL', '') AS value_type
RETURN type, key, value_type, count(*) AS count
ORDER BY type, key, value_type
