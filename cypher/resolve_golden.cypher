// Golden attributes by survivorship: per attribute, the value of the most trusted source's record that has
// one, then the most recently loaded; `<attribute>_source` keeps the key of the record it came from.
// Aggregate in WITH first: the embedded store mis-evaluates aggregation inside map projections.
UNWIND $ids AS id
MATCH (c:Customer {id: id})-[:HAS_RECORD]->(r:SourceRecord)
WITH c, r
ORDER BY coalesce($trust[r.source], 1.0) DESC, r.loaded_at DESC, r.key
WITH c, collect(r) AS records
SET c.first_name = head([x IN records WHERE x.first_name IS NOT NULL | x.first_name]),
    c.first_name_source = head([x IN records WHERE x.first_name IS NOT NULL | x.key]),
    c.last_name = head([x IN records WHERE x.last_name IS NOT NULL | x.last_name]),
    c.last_name_source = head([x IN records WHERE x.last_name IS NOT NULL | x.key]),
    c.birth_date = head([x IN records WHERE x.birth_date IS NOT NULL | x.birth_date]),
    c.birth_date_source = head([x IN records WHERE x.birth_date IS NOT NULL | x.key]),
    c.email = head([x IN records WHERE x.email IS NOT NULL | x.email]),
    c.email_source = head([x IN records WHERE x.email IS NOT NULL | x.key]),
    c.phone = head([x IN records WHERE x.phone IS NOT NULL | x.phone]),
    c.phone_source = head([x IN records WHERE x.phone IS NOT NULL | x.key]),
    c.street = head([x IN records WHERE x.street IS NOT NULL | x.street]),
    c.street_source = head([x IN records WHERE x.street IS NOT NULL | x.key]),
    c.house_number = head([x IN records WHERE x.house_number IS NOT NULL | x.house_number]),
    c.house_number_source = head([x IN records WHERE x.house_number IS NOT NULL | x.key]),
    c.postcode = head([x IN records WHERE x.postcode IS NOT NULL | x.postcode]),
    c.postcode_source = head([x IN records WHERE x.postcode IS NOT NULL | x.key]),
    c.city = head([x IN records WHERE x.city IS NOT NULL | x.city]),
    c.city_source = head([x IN records WHERE x.city IS NOT NULL | x.key]),
    c.country = head([x IN records WHERE x.country IS NOT NULL | x.country]),
    c.country_source = head([x IN records WHERE x.country IS NOT NULL | x.key]),
    c.customer_number = head([x IN records WHERE x.customer_number IS NOT NULL | x.customer_number]),
    c.customer_number_source = head([x IN records WHERE x.customer_number IS NOT NULL | x.key]),
    c.record_count = size(records),
    c.updated_at = $now
