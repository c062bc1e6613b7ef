"""The analysts' library of saved questions: ``cypher/queries/*.cypher``, each described and parameterised.

A saved query is an ordinary shipped query (linted for Neo4j, explained on both stores, tested on a loaded
graph) whose file opens with its description and its parameters' defaults::

    // description: The customer profiles holding the most source records.
    // param limit: 20

A default is JSON (``20``, ``"crm"``, ``null``, ``false``); ``--param`` overrides it the same way. The same
files feed Neo4j Browser's guide (``docs/browser-guide.html``), so an analyst finds the same questions there.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import cypher
from analysis.lexer import Kind, tokens
from graph import InputError

FOLDER = "queries"
_DESCRIPTION = re.compile(r"^//\s*description:\s*(?P<text>.+?)\s*$")
_PARAM = re.compile(r"^//\s*param\s+(?P<name>[A-Za-z_]\w*)\s*:\s*(?P<default>.+?)\s*$")


class CatalogueError(ValueError):
    """A saved query's header is malformed: a shipping mistake, caught by the tests."""


@dataclass(frozen=True)
class SavedQuery:
    name: str
    description: str
    defaults: dict[str, Any]

    @property
    def text(self) -> str:
        """The statement as sent (header comments stripped)."""
        return cypher.query(f"{FOLDER}/{self.name}")

    def parameters(self, given: dict[str, Any]) -> dict[str, Any]:
        """The defaults, overridden by what was given; a name the query does not declare is refused."""
        unknown = sorted(set(given) - set(self.defaults))
        if unknown:
            declared = ", ".join(self.defaults) or "none"
            raise InputError(f"{self.name} has no parameter {', '.join(unknown)} (its parameters: {declared})",
                             field="param")
        return self.defaults | given


def source(name: str) -> str:
    """The file of a saved query as shipped, header included (for the Browser guide)."""
    return resources.files(cypher).joinpath(FOLDER, f"{name}.cypher").read_text(encoding="utf-8")


def parse(name: str, text: str) -> SavedQuery:
    """The header of one saved query: its description, then one ``// param NAME: DEFAULT`` line a parameter.
    Every ``$parameter`` the statement uses must be declared, and every declared one used."""
    lines = text.splitlines()
    described = _DESCRIPTION.match(lines[0]) if lines else None
    if described is None:
        raise CatalogueError(f"{name}.cypher: the first line must be '// description: …'")
    defaults: dict[str, Any] = {}
    for number, line in enumerate(lines[1:], start=2):
        if not line.lstrip().startswith("//"):
            break
        declared = _PARAM.match(line)
        if declared is None:
            continue
        try:
            defaults[declared["name"]] = json.loads(declared["default"])
        except ValueError as error:
            raise CatalogueError(f"{name}.cypher, line {number}: the default of {declared['name']} is not JSON "
                                 f"({error})") from error
    used = {t.text[1:].strip("`") for t in tokens(text) if t.kind is Kind.PARAMETER}
    if used != set(defaults):
        raise CatalogueError(f"{name}.cypher: parameters used {sorted(used)} but declared {sorted(defaults)}")
    return SavedQuery(name, described["text"], defaults)


@cache
def catalogue() -> dict[str, SavedQuery]:
    """Every saved query, by name, in name order."""
    names = sorted(n.removeprefix(f"{FOLDER}/") for n in cypher.names() if n.startswith(f"{FOLDER}/"))
    return {name: parse(name, source(name)) for name in names}


def saved_query(name: str) -> SavedQuery:
    """One saved query by name; an unknown name is a clear error listing the known ones."""
    found = catalogue().get(name)
    if found is None:
        raise InputError(f"no saved query {name!r}; `c360 query --list` shows them: {', '.join(catalogue())}")
    return found
