// What probabilistic matching compares: every source record with a name, with its comparable fields and
// the identifier values it carries (junk and hub values are blanked by the caller: resolve_unusable_identifiers).
MATCH (r:SourceRecord)
WHERE r.last_name IS NOT NULL OR r.first_name IS NOT NULL
RETURN r.key AS key, r.first_name AS first_name, r.last_name AS last_name, r.birth_date AS birth_date,
       r.postcode AS postcode, r.street AS street, r.house_number AS house_number, r.city AS city,
       r.email AS email, r.phone AS phone, r.national_id AS national_id, r.customer_number AS customer_number
