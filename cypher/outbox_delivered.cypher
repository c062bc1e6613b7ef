// What a destination was sent, one row per customer of a batch: which destination holds data about whom, since
// when and of which kinds of change. Subject access lists it ("synced_to"); an erasure deletes it.
UNWIND $rows AS row
MERGE (d:Delivery {destination: $destination, customer_id: row.customer_id})
  ON CREATE SET d.first_at = $at, d.events = 0, d.kinds = []
SET d.last_at = $at, d.events = d.events + row.events,
    d.kinds = d.kinds + [kind IN row.kinds WHERE NOT kind IN d.kinds]
