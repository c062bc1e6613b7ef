// Golden attributes: per attribute, the value of the most recently loaded record that has one.
// Aggregate in WITH first: the embedded store mis-evaluates aggregation inside map projections.
UNWIND $ids AS id
MATCH (c:Customer {id: id})-[:HAS_RECORD]->(r:SourceRecord)
WITH c, r
ORDER BY r.loaded_at DESC, r.key
WITH c, collect(r) AS records
SET c.first_name = head([x IN records WHERE x.first_name IS NOT NULL | x.first_name]),
    c.last_name = head([x IN records WHERE x.last_name IS NOT NULL | x.last_name]),
    c.birth_date = head([x IN records WHERE x.birth_date IS NOT NULL | x.birth_date]),
    c.email = head([x IN records WHERE x.email IS NOT NULL | x.email]),
    c.phone = head([x IN records WHERE x.phone IS NOT NULL | x.phone]),
    c.street = head([x IN records WHERE x.street IS NOT NULL | x.street]),
    c.house_number = head([x IN records WHERE x.house_number IS NOT NULL | x.house_number]),
    c.postcode = head([x IN records WHERE x.postcode IS NOT NULL | x.postcode]),
    c.city = head([x IN records WHERE x.city IS NOT NULL | x.city]),
    c.country = head([x IN records WHERE x.country IS NOT NULL | x.country]),
    c.customer_number = head([x IN records WHERE x.customer_number IS NOT NULL | x.customer_number]),
    c.record_count = size(records),
    c.updated_at = $now
