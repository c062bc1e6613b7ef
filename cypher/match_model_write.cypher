// The trained matching model (Splink's JSON), kept so later runs score pairs the same way; --refit retrains.
MERGE (m:MatchModel {name: 'current'})
SET m.parameters = $parameters, m.rules = $rules, m.fitted_at = $now, m.fitted_records = $records
