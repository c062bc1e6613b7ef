// What an invitation list shows of each candidate: contact data and, once scored, segment and scores.
UNWIND $ids AS id
MATCH (c:Customer {id: id})
RETURN c.id AS id, c.first_name AS first_name, c.last_name AS last_name, c.email AS email, c.phone AS phone,
       c.postcode AS postcode, c.city AS city, c.segment AS segment, c.rfm AS rfm,
       c.predicted_value_minor AS predicted_value_minor
