"""Every Cypher query of c360, one ``.cypher`` file each, loaded once: queries are constants, values travel
as parameters."""

from functools import cache
from importlib import resources
from typing import LiteralString


@cache
def query(name: str) -> LiteralString:
    """The text of ``cypher/<name>.cypher`` (``name`` may hold a sub-folder, e.g. ``arcadedb/components``)."""
    text = resources.files(__package__).joinpath(f"{name}.cypher").read_text(encoding="utf-8")
    return _strip_comments(text).strip()  # a shipped constant, never user input


def statements(name: str) -> list[LiteralString]:
    """The ``;``-separated statements of a script such as ``schema``."""
    return [s.strip() for s in query(name).split(";") if s.strip()]


def names() -> list[str]:
    """Every query name shipped, for tests that check them all."""
    root = resources.files(__package__)
    found: list[str] = []
    for entry in root.iterdir():
        if entry.name.endswith(".cypher"):
            found.append(entry.name.removesuffix(".cypher"))
        elif entry.is_dir() and not entry.name.startswith("_"):
            found += [f"{entry.name}/{f.name.removesuffix('.cypher')}" for f in entry.iterdir()
                      if f.name.endswith(".cypher")]
    return sorted(found)


def _strip_comments(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))
