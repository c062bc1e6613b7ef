// When and by which resolution run each of a customer's records joined the profile.
MATCH (:Customer {id: $id})-[h:HAS_RECORD]->(r:SourceRecord)
RETURN r.key AS key, h.since AS since, h.run AS run
ORDER BY key
