// Where listed customers live now, for plotting them (the town too, for roles that see homes coarsened).
UNWIND $ids AS id
MATCH (:Customer {id: id})-[:LIVES_AT]->(h:Home)
RETURN id, h.latitude AS latitude, h.longitude AS longitude, h.precision AS precision, h.city AS city,
       h.country AS country
