"""The sources a server accepts rows from: each one's mapping, kept under ``$C360_HOME/sources/<name>.toml``.

A file load registers its mapping there (``loaders.run.load_file``), so every source loaded once by file can
then send its rows to the API (``POST /ingest/<name>``) under the same mapping: the same column names, formats
and id. A mapping can also be put there by hand, for a source that has never sent a file.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from graph.errors import InputError
from graph.home import open_private
from loaders.mapping import SourceMapping, read_mapping

DIRECTORY = "sources"
#: the names ``[source].name`` accepts (``loaders.mapping``): a request's path is checked against it before
#: it names a file
_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")


def directory(home: Path) -> Path:
    return home / DIRECTORY


def register(home: Path, mapping: SourceMapping) -> None:
    """Keep the mapping a load used as the source's mapping, when it came from a file and differs."""
    if mapping.path is None:
        return
    text = mapping.path.read_text(encoding="utf-8")
    target = directory(home) / f"{mapping.source.name}.toml"
    if target.exists() and target.read_text(encoding="utf-8") == text:
        return
    staged = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}")
    with open_private(staged, encoding="utf-8") as out:
        out.write(text)
    staged.replace(target)  # a reader never sees half a mapping


def mapping_of(home: Path, name: str) -> SourceMapping | None:
    """The registered mapping of source ``name``; None when there is none (or the name cannot be one)."""
    if not _NAME.match(name):
        return None
    path = directory(home) / f"{name}.toml"
    if not path.is_file():
        return None
    mapping = read_mapping(path)
    if mapping.source.name != name:
        raise InputError(f"{path}: names source {mapping.source.name!r}, not {name!r}")
    return mapping


def registered(home: Path) -> list[str]:
    """The names of the sources rows may be sent for."""
    return sorted(p.stem for p in directory(home).glob("*.toml") if _NAME.match(p.stem))
