// Golden attributes by survivorship: per attribute, the value of the most trusted source's record that has
// one, then the most recently loaded. `value_sources` says which record each value came from
// ('first_name=crm:C1', ...): one list property, because every property costs the embedded store a write.
// Aggregate in WITH first: the embedded store mis-evaluates aggregation inside map projections.
UNWIND $ids AS id
MATCH (c:Customer {id: id})-[:HAS_RECORD]->(r:SourceRecord)
WITH c, r
ORDER BY coalesce($trust[r.source], 1.0) DESC, r.loaded_at DESC, r.key
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
    c.value_sources = [pair IN [
        ['first_name', head([x IN records WHERE x.first_name IS NOT NULL | x.key])],
        ['last_name', head([x IN records WHERE x.last_name IS NOT NULL | x.key])],
        ['birth_date', head([x IN records WHERE x.birth_date IS NOT NULL | x.key])],
        ['email', head([x IN records WHERE x.email IS NOT NULL | x.key])],
        ['phone', head([x IN records WHERE x.phone IS NOT NULL | x.key])],
        ['street', head([x IN records WHERE x.street IS NOT NULL | x.key])],
        ['house_number', head([x IN records WHERE x.house_number IS NOT NULL | x.key])],
        ['postcode', head([x IN records WHERE x.postcode IS NOT NULL | x.key])],
        ['city', head([x IN records WHERE x.city IS NOT NULL | x.key])],
        ['country', head([x IN records WHERE x.country IS NOT NULL | x.key])],
        ['customer_number', head([x IN records WHERE x.customer_number IS NOT NULL | x.key])]
    ] WHERE pair[1] IS NOT NULL | pair[0] + '=' + pair[1]],
    c.record_count = size(records),
    c.updated_at = $now
