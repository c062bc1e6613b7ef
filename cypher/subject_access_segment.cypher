// A customer's segment and since when they are in it.
MATCH (:Customer {id: $id})-[in:IN_SEGMENT]->(s:Segment)
RETURN s.name AS segment, in.since AS since
