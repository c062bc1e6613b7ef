// A store by key, with its coordinates.
MATCH (s:Store {key: $key})
RETURN s.key AS key, s.name AS name, s.latitude AS latitude, s.longitude AS longitude
