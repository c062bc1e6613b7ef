// What the outbox compares before and after a resolution transaction: each customer's golden values (with
// the record each came from, and the identifiers last reported).
UNWIND $ids AS id
MATCH (c:Customer {id: id})
RETURN id, properties(c) AS customer
