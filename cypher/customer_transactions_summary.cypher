// Purchase aggregates per customer and currency: count, spend, first and last purchase.
UNWIND $requests AS q
CALL (q) {
  WITH q
  UNWIND q.keys AS k
  MATCH (:Identifier {key: k})<-[:BY]-(t:Transaction)
  WITH DISTINCT q, t
  WHERE q.since IS NULL OR t.at >= q.since
  RETURN t
}
WITH q, t.currency AS currency, count(t) AS count, sum(t.amount_minor) AS spend_minor,
     min(t.at) AS first_at, max(t.at) AS last_at
RETURN q.request AS request, currency, count, spend_minor, first_at, last_at
