MATCH (m:MatchModel {name: 'current'})
RETURN m.parameters AS parameters, m.rules AS rules
