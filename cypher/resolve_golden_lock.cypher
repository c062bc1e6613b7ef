// The first statement of a golden refresh: writing the customers' nodes locks them (as a service-desk change
// does, desk_lock_customer), so the records read next are not changed by a correction before the golden
// values computed from them are written.
UNWIND $ids AS id
MATCH (c:Customer {id: id})
SET c.updated_at = $now
