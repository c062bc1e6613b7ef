// Consent events past their age, counted from when they stopped being in force: the time of the next event
// for the same purpose and one of the same identifiers (or tombstone). The newest event per purpose is the
// proof of what applies now and is never returned. One retention rule: of $source, or when $source is null
// of every source without a rule of its own ($others).
MATCH (e:ConsentEvent)-[:ABOUT]->(p:Purpose)
WHERE e.at < $cutoff AND (e.source = $source OR ($source IS NULL AND NOT e.source IN $others))
MATCH (e)-[:FOR]->(holder)<-[:FOR]-(next:ConsentEvent)-[:ABOUT]->(p)
WHERE next.at > e.at
WITH e, min(next.at) AS at
WHERE at < $cutoff
RETURN e.key AS key, at
