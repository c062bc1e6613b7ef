"""Cypher the embedded store answers wrongly without an error, found before it runs.

ArcadeDB accepts an aggregation inside a map projection or a map literal (``RETURN c {.id, n: count(r)}``,
``RETURN {id: c.id, xs: collect(x)}``) and answers it wrongly: one record with no columns, or one global
group instead of one per ``c`` (docs/analysts.md). Neo4j answers both correctly, so an analyst who learnt
Cypher there writes them; the shell warns before running such a query and says how to rewrite it. Pure: the
text alone is read, nothing is run.
"""

from __future__ import annotations

from dataclasses import dataclass

from analysis.lexer import Kind, Token, line_and_column, tokens

#: Cypher's aggregating functions (lower case)
AGGREGATES = frozenset({"count", "collect", "sum", "avg", "min", "max", "stdev", "stdevp", "percentilecont",
                        "percentiledisc"})
#: words before ``{`` that open a subquery, inside which aggregating is the subquery's own business
_SUBQUERY = ("CALL", "EXISTS", "COUNT", "COLLECT")
#: words before ``{`` after which the brace is a map literal, not a projection of the variable before it
_KEYWORDS = frozenset({"RETURN", "WITH", "WHERE", "AND", "OR", "XOR", "NOT", "THEN", "ELSE", "WHEN", "IN",
                       "UNWIND", "SET", "DISTINCT", "CASE", "IS", "BY", "AS", "ORDER", "SKIP", "LIMIT", "YIELD",
                       "CREATE", "MERGE", "MATCH", "ON", "REMOVE", "DELETE", "DETACH", "OPTIONAL", "FOREACH"})


@dataclass(frozen=True)
class Pitfall:
    """One aggregation the embedded store would answer wrongly, where it is and how to write it instead."""

    line: int
    column: int
    aggregate: str   # the call as written: ``count(r)``
    within: str      # ``map projection c {…}`` or ``map literal {…}``
    rewrite: str     # the same, aggregated in a WITH first

    def message(self) -> str:
        return (f"line {self.line}, column {self.column}: {self.aggregate} inside a {self.within} — the embedded "
                f"store answers this wrongly (no columns, or one global group); aggregate in a WITH first, then "
                f"build the map: {self.rewrite}")


@dataclass
class _Opener:
    symbol: str                 # ( [ {
    subquery: bool = False      # a { that opens a subquery, or a ( of CALL's variable scope
    projected: str | None = None  # the variable of a map projection


def find_pitfalls(statement: str) -> list[Pitfall]:
    """Every aggregating call inside a map projection or map literal of ``statement`` (outside subqueries)."""
    found: list[Pitfall] = []
    seen = tokens(statement)
    stack: list[_Opener] = []
    closed_call_scope = False  # the token before is the ) of ``CALL (x)``
    for index, token in enumerate(seen):
        before = seen[index - 1] if index else None
        after = seen[index + 1] if index + 1 < len(seen) else None
        if token.kind is Kind.SYMBOL and token.text in "([{":
            if token.text == "(":
                stack.append(_Opener("(", subquery=before is not None and before.is_word("CALL")))
            elif token.text == "[":
                stack.append(_Opener("["))
            else:
                stack.append(_brace(before, closed_call_scope))
            closed_call_scope = False
            continue
        if token.kind is Kind.SYMBOL and token.text in ")]}":
            opener = stack.pop() if stack else None
            closed_call_scope = token.text == ")" and opener is not None and opener.subquery
            continue
        closed_call_scope = False
        if (token.kind is Kind.WORD and token.text.lower() in AGGREGATES and after is not None
                and after.text == "(" and not (before is not None and before.text == ".")):
            brace = next((o for o in reversed(stack) if o.symbol == "{"), None)
            if brace is not None and not brace.subquery:
                found.append(_pitfall(statement, seen, index, brace))
    return found


def _brace(before: Token | None, closed_call_scope: bool) -> _Opener:
    if closed_call_scope or (before is not None and before.is_word(*_SUBQUERY)):
        return _Opener("{", subquery=True)
    if before is not None and before.kind in (Kind.WORD, Kind.QUOTED) and before.text.upper() not in _KEYWORDS:
        return _Opener("{", projected=before.text)
    return _Opener("{")


def _pitfall(statement: str, seen: list[Token], index: int, brace: _Opener) -> Pitfall:
    call = _call_text(statement, seen, index)
    key = _map_key(seen, index) or "value"
    line, column = line_and_column(statement, seen[index].start)
    if brace.projected is not None:
        variable = brace.projected
        within = f"map projection {variable} {{…}}"
        rewrite = f"WITH {variable}, {call} AS {key} RETURN {variable} {{…, {key}: {key}}}"
    else:
        within = "map literal {…}"
        rewrite = f"WITH <the other values of the map>, {call} AS {key} RETURN {{…, {key}: {key}}}"
    return Pitfall(line, column, call, within, rewrite)


def _call_text(statement: str, seen: list[Token], index: int) -> str:
    """``count(r)``: from the function's name to its closing parenthesis (or the end, if unclosed)."""
    depth = 0
    for token in seen[index + 1:]:
        if token.kind is Kind.SYMBOL and token.text == "(":
            depth += 1
        elif token.kind is Kind.SYMBOL and token.text == ")":
            depth -= 1
            if depth == 0:
                return " ".join(statement[seen[index].start:token.start + 1].split())
    return " ".join(statement[seen[index].start:].split())


def _map_key(seen: list[Token], index: int) -> str | None:
    """The key the aggregate is the value of (``n`` in ``{n: count(r)}``), when it directly follows one."""
    if index >= 2 and seen[index - 1].text == ":" and seen[index - 2].kind in (Kind.WORD, Kind.QUOTED):
        return seen[index - 2].text
    return None
