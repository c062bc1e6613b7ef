"""Just enough of a Cypher lexer to cut what an analyst types into statements and to look at its shape.

Strings, quoted names and comments may hold ``;``, braces or the word ``count``: cutting at a ``;`` or
looking for a brace by searching the text would be fooled by them, so the text is read token by token.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum


class Kind(Enum):
    WORD = "word"        # a name or keyword (also numbers: they never matter here)
    QUOTED = "quoted"    # a `back-quoted` name
    STRING = "string"
    PARAMETER = "parameter"
    SYMBOL = "symbol"    # one character of punctuation
    COMMENT = "comment"


@dataclass(frozen=True)
class Token:
    kind: Kind
    text: str
    start: int  # offset in the text

    def is_word(self, *words: str) -> bool:
        """Whether this is one of ``words`` (keywords are case-insensitive)."""
        return self.kind is Kind.WORD and self.text.upper() in words


_TOKEN = re.compile(r"""
    (?P<comment>//[^\n]*|/\*.*?(?:\*/|\Z))
  | (?P<string>'(?:[^'\\]|\\.)*(?:'|\Z)|"(?:[^"\\]|\\.)*(?:"|\Z))
  | (?P<quoted>`(?:[^`]|``)*(?:`|\Z))
  | (?P<parameter>\$(?:\w+|`(?:[^`]|``)*`?))
  | (?P<word>\w+)
  | (?P<space>\s+)
  | (?P<symbol>.)
""", re.VERBOSE | re.DOTALL)


def tokens(text: str, comments: bool = False) -> list[Token]:
    """The tokens of ``text``, whitespace left out (and comments, unless asked for). An unclosed string or
    comment runs to the end of the text, as it would for the parser."""
    found: list[Token] = []
    for match in _TOKEN.finditer(text):
        group = match.lastgroup
        if group == "space" or (group == "comment" and not comments):
            continue
        found.append(Token(Kind(group), match.group(), match.start()))
    return found


def split_statements(text: str) -> list[str]:
    """The ``;``-separated statements of ``text`` (a ``;`` inside a string, name or comment does not cut),
    stripped, empty ones left out."""
    cuts = [t.start for t in tokens(text) if t.kind is Kind.SYMBOL and t.text == ";"]
    pieces: list[str] = []
    begin = 0
    for cut in [*cuts, len(text)]:
        piece = text[begin:cut].strip()
        if any(t.kind is not Kind.COMMENT for t in tokens(piece, comments=True)):
            pieces.append(piece)
        begin = cut + 1
    return pieces


def is_complete(text: str) -> bool:
    """Whether what was typed so far ends a statement: its last token, comments aside, is a ``;``."""
    found = tokens(text)
    return bool(found) and found[-1].kind is Kind.SYMBOL and found[-1].text == ";"


def line_and_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of ``offset`` in ``text``, as editors and Neo4j's messages count them."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1
