// Every restriction, objection and lifting about any record the customer holds, oldest first.
MATCH (:Customer {id: $id})-[:HAS_RECORD]->(:SourceRecord)<-[:ON]-(e:RestrictionEvent)
WITH DISTINCT e
RETURN e.key AS event, e.purpose AS purpose, e.kind AS kind, e.restricted AS restricted, e.at AS at, e.by AS by,
       e.why AS why
ORDER BY at, event
