// Purchases in a window [$since, $until) attached to each request's identities (the keys
// customer_identities gives): one row per purchase, so a purchase reached twice counts once.
UNWIND $requests AS q
CALL (q) {
  UNWIND q.keys AS k
  MATCH (:Identifier {key: k})<-[:BY]-(t:Transaction)
  WHERE t.at >= $since AND t.at < $until
  RETURN DISTINCT t
}
RETURN q.request AS request, t.key AS key, t.currency AS currency, t.amount_minor AS amount_minor
