// Transactions past their age (their own time, `at`), for one retention rule: of $source, or when $source
// is null of every source without a rule of its own ($others). The age is compared after a WITH: the embedded store
// keeps entries of deleted nodes in a range index, which a range read through it trips over.
MATCH (t:Transaction)
WHERE t.source = $source OR ($source IS NULL AND NOT t.source IN $others)
WITH t, t.at AS at
WHERE at < $cutoff
RETURN t.key AS key, at
