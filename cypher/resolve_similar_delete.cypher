UNWIND $rows AS row
MATCH (:SourceRecord {key: row.a})-[s:SIMILAR_TO]->(:SourceRecord {key: row.b})
DELETE s
