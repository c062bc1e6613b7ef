// Consent events past their age, counted from when they stopped being in force: the time of the next event
// for the same purpose, covering the same channel, and one of the same identifiers (or tombstone). A choice
// about one channel is replaced by a newer one about that channel or about the whole purpose; a choice about
// the whole purpose only by a newer one about the whole purpose (it still decides the other channels). The
// event deciding each purpose and channel now is the proof of what applies and is never returned. One retention rule: of $source, or when $source is null
// of every source without a rule of its own ($others).
MATCH (e:ConsentEvent)-[:ABOUT]->(p:Purpose)
WHERE e.at < $cutoff AND (e.source = $source OR ($source IS NULL AND NOT e.source IN $others))
MATCH (e)-[:FOR]->(holder)<-[:FOR]-(next:ConsentEvent)-[:ABOUT]->(p)
WHERE next.at > e.at AND (next.channel IS NULL OR next.channel = e.channel)
WITH e, min(next.at) AS at
WHERE at < $cutoff
RETURN e.key AS key, at
