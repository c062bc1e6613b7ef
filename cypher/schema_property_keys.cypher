// Every property key in use on nodes and relationships: what the shell completes after a dot.
CALL () {
  MATCH (n)
  UNWIND keys(n) AS key
  RETURN DISTINCT key
  UNION
  MATCH ()-[r]->()
  UNWIND keys(r) AS key
  RETURN DISTINCT key
}
RETURN DISTINCT key
ORDER BY key
