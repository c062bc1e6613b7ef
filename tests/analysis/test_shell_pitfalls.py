"""The pitfall finder and the statement splitter read Cypher text alone: no store needed."""

from __future__ import annotations

import pytest

from analysis.lexer import is_complete, split_statements
from analysis.pitfalls import find_pitfalls


@pytest.mark.parametrize(("statement", "aggregate", "within"), [
    ("MATCH (c:Customer)-[:HAS_RECORD]->(r) RETURN c {.id, n: count(r)}", "count(r)", "map projection c {…}"),
    ("MATCH (c)-->(x) RETURN {id: c.id, xs: collect(x)} AS m", "collect(x)", "map literal {…}"),
    ("MATCH (c)-->(x) WITH c {.*, total: sum(x.amount)} AS m RETURN m", "sum(x.amount)", "map projection c {…}"),
    ("MATCH (c)-->(x) RETURN {n: size(COLLECT(DISTINCT x))}", "COLLECT(DISTINCT x)", "map literal {…}"),
    ("MATCH (c)-->(x)\nRETURN c {\n  .id,\n  first: min(x.at)\n}", "min(x.at)", "map projection c {…}"),
])
def test_an_aggregate_inside_a_map_is_found(statement: str, aggregate: str, within: str) -> None:
    [pitfall] = find_pitfalls(statement)
    assert pitfall.aggregate == aggregate
    assert pitfall.within == within
    assert "WITH" in pitfall.rewrite and aggregate in pitfall.rewrite


def test_the_rewrite_names_the_variable_and_key_and_the_place() -> None:
    [pitfall] = find_pitfalls("MATCH (c:Customer)-[:HAS_RECORD]->(r)\nRETURN c {.id, records: count(r)}")
    assert (pitfall.line, pitfall.column) == (2, 25)
    assert pitfall.rewrite == "WITH c, count(r) AS records RETURN c {…, records: records}"
    assert "line 2, column 25" in pitfall.message()


@pytest.mark.parametrize("statement", [
    "MATCH (c)-->(r) WITH c, count(r) AS n RETURN c {.id, n: n}",          # aggregated first: the advice
    "MATCH (c)-->(r) RETURN collect({id: r.key, at: r.at}) AS rs",        # a map inside an aggregate is fine
    "MATCH (c:Customer {id: $id}) RETURN c {.id, n: COUNT { (c)-->() }}",   # a COUNT subquery, not count()
    "MATCH (c) CALL (c) { MATCH (c)-->(x) RETURN count(x) AS n } RETURN c {.id, n: n}",
    "MATCH (c) CALL { WITH c MATCH (c)-->(x) RETURN collect(x) AS xs } RETURN xs",
    "MATCH (c) WHERE EXISTS { MATCH (c)-->(x) WITH x, count(*) AS n RETURN n } RETURN c",
    "RETURN {text: 'count(x) inside a string'} AS m",                       # text is not code
    "RETURN {n: apoc.coll.max([1, 2])} AS m",                               # a namespaced function of that name
    "MATCH (c) RETURN c {.id} // {n: count(c)} in a comment",
    "MATCH (c) RETURN c {.id, n: c.count}",
])
def test_what_the_store_answers_right_is_left_alone(statement: str) -> None:
    assert find_pitfalls(statement) == []


def test_every_pitfall_of_a_statement_is_found() -> None:
    found = find_pitfalls("MATCH (c)-->(x) RETURN c {.id, n: count(x), last: max(x.at), xs: collect(x.key)}")
    assert [p.aggregate for p in found] == ["count(x)", "max(x.at)", "collect(x.key)"]


def test_statements_are_cut_at_semicolons_outside_strings_names_and_comments() -> None:
    text = "RETURN 'a;b' AS `x;y`; // c;d\nMATCH (n) /* e;f */ RETURN n;\n;  \n// only a comment;"
    assert split_statements(text) == ["RETURN 'a;b' AS `x;y`", "// c;d\nMATCH (n) /* e;f */ RETURN n"]


@pytest.mark.parametrize(("text", "complete"), [
    ("MATCH (n) RETURN n;", True),
    ("MATCH (n)\nRETURN n ;  // done", True),
    ("MATCH (n)\nRETURN n", False),
    ("RETURN 'a;'", False),
    ("RETURN 1 /* ; */", False),
    ("", False),
])
def test_a_statement_is_complete_when_it_ends_with_a_semicolon(text: str, complete: bool) -> None:
    assert is_complete(text) is complete
