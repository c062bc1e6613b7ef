// The records of the given customers with what golden values are chosen from.
UNWIND $ids AS id
MATCH (:Customer {id: id})-[:HAS_RECORD]->(r:SourceRecord)
RETURN id, r.key AS key, r.source AS source, r.loaded_at AS loaded_at, r.first_name AS first_name,
       r.last_name AS last_name, r.birth_date AS birth_date, r.email AS email, r.phone AS phone,
       r.street AS street, r.house_number AS house_number, r.postcode AS postcode, r.city AS city,
       r.country AS country, r.customer_number AS customer_number
