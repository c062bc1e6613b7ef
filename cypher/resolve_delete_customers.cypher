// A profile left without records (its records joined another) disappears.
UNWIND $ids AS id
MATCH (c:Customer {id: id})
WHERE NOT EXISTS { (c)-[:HAS_RECORD]->(:SourceRecord) }
DETACH DELETE c
