// Lifting a restriction: no record of the customer keeps it, including records an earlier merge brought.
MATCH (:Customer {id: $id})-[:HAS_RECORD]->(:SourceRecord)-[x:RESTRICTED]->(:Purpose {name: $purpose})
DELETE x
