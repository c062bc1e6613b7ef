// A customer's golden values, for a service-desk change that needs them (a consent, a ticket).
MATCH (c:Customer {id: $id})
RETURN properties(c) AS customer
