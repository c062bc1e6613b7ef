// A customer's homes: the current one (LIVES_AT) and those they moved from (LIVED_AT, with until).
MATCH (:Customer {id: $id})-[l:LIVES_AT|LIVED_AT]->(h:Home)
RETURN type(l) = 'LIVES_AT' AS current, l.since AS since, l.until AS until, properties(h) AS home
ORDER BY current DESC, since DESC
