// The comparable fields of the given records (those that have a name), for an incremental run.
UNWIND $keys AS k
MATCH (r:SourceRecord {key: k})
WHERE r.last_name IS NOT NULL OR r.first_name IS NOT NULL
RETURN r.key AS key, r.first_name AS first_name, r.last_name AS last_name, r.birth_date AS birth_date,
       r.postcode AS postcode, r.street AS street, r.house_number AS house_number, r.city AS city,
       r.email AS email, r.phone AS phone, r.national_id AS national_id, r.customer_number AS customer_number
