// Each customer's restrictions in force: one row per purpose, with the newest decision that put it in force.
UNWIND $ids AS id
MATCH (:Customer {id: id})-[:HAS_RECORD]->(:SourceRecord)-[x:RESTRICTED]->(p:Purpose)
WITH id, p.name AS purpose, x
ORDER BY x.since DESC, x.event DESC
WITH id, purpose, collect(x)[0] AS newest
RETURN id, purpose, newest.kind AS kind, newest.since AS since, newest.event AS event
ORDER BY id, purpose
