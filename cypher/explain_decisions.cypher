// Manual decisions touching either record.
UNWIND $keys AS k
MATCH (:SourceRecord {key: k})-[d:SAME_AS|NOT_SAME_AS]-(o:SourceRecord)
RETURN DISTINCT k AS key, o.key AS other, type(d) AS decision, d.by AS by, d.why AS why, d.at AS at
