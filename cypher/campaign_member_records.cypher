// The source records of the customers put on a campaign's list, when it is saved.
UNWIND $ids AS id
MATCH (:Customer {id: id})-[:HAS_RECORD]->(r:SourceRecord)
RETURN id, collect(r.key) AS keys
