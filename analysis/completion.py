"""What the Cypher shell offers on TAB: labels after ``(x:``, relationship types after ``[r:``, property keys
after ``x.``, keywords elsewhere; the names come from the graph itself (``analysis.schema.vocabulary``)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document

from analysis.lexer import Kind, tokens
from analysis.schema import Vocabulary

KEYWORDS = ("MATCH", "OPTIONAL MATCH", "WHERE", "RETURN", "WITH", "UNWIND", "ORDER BY", "LIMIT", "SKIP",
            "DISTINCT", "AS", "AND", "OR", "NOT", "IN", "IS NULL", "IS NOT NULL", "CALL", "UNION", "EXISTS",
            "COUNT", "COLLECT", "CASE", "WHEN", "THEN", "ELSE", "END", "DESC", "ASC", "CONTAINS", "STARTS WITH",
            "ENDS WITH", "count", "collect", "sum", "avg", "min", "max", "size", "labels", "type", "keys",
            "coalesce", "toString", "toInteger", "date", "datetime", "duration", "elementId", "properties")

_WORD_BEFORE_CURSOR = re.compile(r"(?P<sigil>[:.]?)(?P<word>\w*)$")


def context(text_before_cursor: str) -> tuple[str, str]:
    """What is being typed at the cursor: (``label`` | ``type`` | ``key`` | ``keyword``, the word so far)."""
    found = _WORD_BEFORE_CURSOR.search(text_before_cursor)
    assert found is not None  # the pattern matches the empty string
    sigil, word = found["sigil"], found["word"]
    if sigil == ".":
        return "key", word
    if sigil == ":":
        return ("type" if _innermost_bracket(text_before_cursor[:found.start()]) == "[" else "label"), word
    return "keyword", word


def _innermost_bracket(text: str) -> str | None:
    stack: list[str] = []
    for token in tokens(text):
        if token.kind is Kind.SYMBOL and token.text in "([{":
            stack.append(token.text)
        elif token.kind is Kind.SYMBOL and token.text in ")]}" and stack:
            stack.pop()
    return stack[-1] if stack else None


def candidates(kind: str, word: str, vocabulary: Vocabulary | None) -> list[str]:
    """The names of ``kind`` that start with ``word`` (case-insensitively), in a stable order."""
    names: Iterable[str]
    if kind == "keyword":
        names = KEYWORDS + tuple(vocabulary.labels if vocabulary else ())  # a bare label name, as in `:play`
    elif vocabulary is None:
        names = ()
    else:
        names = {"label": vocabulary.labels, "type": vocabulary.relationship_types,
                 "key": vocabulary.property_keys}[kind]
    lowered = word.lower()
    return [name for name in names if name.lower().startswith(lowered) and name != word]


class CypherCompleter(Completer):
    """Completion from whatever vocabulary has arrived so far (it is read in the background at start)."""

    def __init__(self, vocabulary: Callable[[], Vocabulary | None]) -> None:
        self._vocabulary = vocabulary

    def get_completions(self, document: Document, complete_event: CompleteEvent) -> Iterable[Completion]:
        kind, word = context(document.text_before_cursor)
        if kind == "keyword" and not word:
            return
        for name in candidates(kind, word, self._vocabulary()):
            yield Completion(name, start_position=-len(word), display_meta=kind)
