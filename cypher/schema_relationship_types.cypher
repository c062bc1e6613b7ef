// Every relationship type in use: what the shell completes after a colon inside brackets.
MATCH ()-[r]->()
RETURN DISTINCT type(r) AS type
ORDER BY type
