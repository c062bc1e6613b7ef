// A named key of keyed hashes, if it was made (graph/keyed.py): readers never make one.
MATCH (k:HashKey {name: $key_name})
RETURN k.value AS value
