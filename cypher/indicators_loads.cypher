// The latest completed loads (graph.runs): what each file brought, never a value of it.
MATCH (l:LoadRun)
WHERE l.status = 'completed'
RETURN l.run_id AS run_id, l.started_at AS at, l.source AS source, l.kind AS kind, l.read AS read,
       l.accepted AS accepted, l.rejected AS rejected, l.written AS written
ORDER BY at DESC
LIMIT $limit
