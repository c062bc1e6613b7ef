// Where listed customers live now, for plotting them.
UNWIND $ids AS id
MATCH (:Customer {id: id})-[:LIVES_AT]->(h:Home)
RETURN id, h.latitude AS latitude, h.longitude AS longitude
