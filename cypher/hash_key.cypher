// A named key of keyed hashes (graph/keyed.py), made on first use and kept in the store it protects.
MERGE (k:HashKey {name: $key_name})
ON CREATE SET k.value = $fresh
RETURN k.value AS value
