// An event a destination could not take after every attempt (or held behind one of the same customer's that
// it could not take): kept until a replay delivers it.
MERGE (d:DeadLetter {destination: $destination, seq: $seq})
SET d.customer_id = $customer_id, d.error = $error, d.attempts = $attempts, d.at = $at
