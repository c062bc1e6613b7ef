// Web sessions past their age (their start), for one retention rule: of $source, or when $source is null of
// every source without a rule of its own ($others). The age is compared after a WITH: the embedded store
// keeps entries of deleted nodes in a range index, which a range read through it trips over.
MATCH (w:WebSession)
WHERE w.source = $source OR ($source IS NULL AND NOT w.source IN $others)
WITH w, w.started_at AS at
WHERE at < $cutoff
RETURN w.key AS key, at
