// Each customer's current home, with its point's precision.
UNWIND $ids AS id
MATCH (:Customer {id: id})-[l:LIVES_AT]->(h:Home)
RETURN id, properties(h) AS home, l.since AS since
