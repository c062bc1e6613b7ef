// The identifier values each customer was last reported with, and the sources carrying each (JSON): a reload
// that changes a record's identifiers writes them before resolution runs, so what the outbox reports as
// gained or lost is compared with this.
UNWIND $rows AS row
MATCH (c:Customer {id: row.id})
SET c.reported_identifiers = row.reported
