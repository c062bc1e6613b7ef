// Tickets past their age, counted from their closing (from their opening while still open), for one
// retention rule: of $source, or when $source is null of every source without a rule of its own ($others).
MATCH (k:Ticket)
WHERE k.source = $source OR ($source IS NULL AND NOT k.source IN $others)
WITH k, coalesce(k.closed_at, k.opened_at) AS at
WHERE at < $cutoff
RETURN k.key AS key, at
