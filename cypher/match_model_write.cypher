// The fitted Fellegi–Sunter model, kept so later runs score pairs the same way; refit with --refit.
MERGE (m:MatchModel {name: 'current'})
SET m.parameters = $parameters, m.rules = $rules, m.fitted_at = $now, m.fitted_pairs = $pairs
