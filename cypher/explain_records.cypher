// Two records as an explanation needs them: profile, comparable fields, and identifiers with their state.
UNWIND $keys AS k
MATCH (r:SourceRecord {key: k})
OPTIONAL MATCH (c:Customer)-[:HAS_RECORD]->(r)
OPTIONAL MATCH (r)-[:HAS_IDENTIFIER]->(i:Identifier)
WITH r, c, collect({key: i.key, type: i.type, blocked: i.blocked}) AS identifiers
RETURN r.key AS key, c.id AS customer_id, r.first_name AS first_name, r.last_name AS last_name,
       r.birth_date AS birth_date, r.postcode AS postcode, r.street AS street, r.house_number AS house_number,
       r.city AS city, r.email AS email, r.phone AS phone, r.national_id AS national_id,
       r.customer_number AS customer_number, identifiers
