// Every property of every label: how many nodes hold it, per value type (valueType, without NOT NULL).
MATCH (n)
UNWIND labels(n) AS label
UNWIND keys(n) AS key
WITH label, key, replace(valueType(n[key]), ' NOT NULL', '') AS value_type
RETURN label, key, value_type, count(*) AS count
ORDER BY label, key, value_type
