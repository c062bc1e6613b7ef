// Events linked to erased identifiers: they stay, anonymous, so totals do not change.
UNWIND $keys AS key
MATCH (:Identifier {key: key})<-[:BY|RAISED_BY|FOR|FROM|LOGGED_IN_AS]-(e)
WITH DISTINCT e
OPTIONAL MATCH (run:LoadRun {run_id: e.load_run})
RETURN CASE WHEN e:Transaction THEN 'Transaction' WHEN e:Ticket THEN 'Ticket'
            WHEN e:ConsentEvent THEN 'ConsentEvent' ELSE 'WebSession' END AS label,
       e.key AS key, properties(e) AS props, run.file AS file
