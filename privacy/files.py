"""What c360 wrote under ``C360_HOME`` about an erased person, removed: reject-file lines, the matching cache,
the demo's generated sources and truth files, and the store's server log.

Files are matched line by line on traces of the person: their record keys and source ids, identifier values
(raw forms too: a line is compared without case, spaces or punctuation, a phone also by its national number),
their first and last names together, and the rows c360 read them from (a reject line names its file and
line). A matched line is dropped whole; a file is rewritten (owner-only) only when a line was. The cache is
deleted (the next resolution rebuilds it). The rest of the home is not c360's data about people: the store's
own files (``arcadedb/``, the store's business), its password, state and leases, the API's signing key, and
the user's ``rules.toml`` (a blocklisted value there is configuration, and must stay).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from graph.home import open_private

CACHE = "cache"
REJECTS = "rejects"
#: the folders of the home where c360 writes what it read or made about people, line by line: reject files,
#: ``c360 demo``'s generated sources, the store's server log
SCRUBBED = (REJECTS, "demo-data", "log")
#: a trace shorter than this (once reduced to letters and digits) would match unrelated lines
MIN_TRACE = 5
_WORD = re.compile(r"\w+")


def canonical(text: str) -> str:
    """Letters and digits only, case-folded: ``Caroline.Hubert@SFR.fr`` and ``caroline hubert sfr fr`` agree."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


@dataclass(frozen=True)
class Traces:
    """What identifies one erased person in a line of text."""

    values: frozenset[str]
    names: frozenset[tuple[frozenset[str], frozenset[str]]]
    rows: frozenset[tuple[str, int]]

    @classmethod
    def of(cls, values: Iterable[str], names: Iterable[tuple[str, str]],
           rows: Iterable[tuple[str, int]]) -> Traces:
        telling = frozenset(c for v in values if len(c := canonical(v)) >= MIN_TRACE)
        words = frozenset((_words(first), _words(last)) for first, last in names if _words(first) and _words(last))
        return cls(telling, words, frozenset(rows))

    def held_by(self, text: str) -> bool:
        reduced = canonical(text)
        if any(value in reduced for value in self.values):
            return True
        words = _words(text)
        return any(first <= words and last <= words for first, last in self.names)


def _words(text: str) -> frozenset[str]:
    return frozenset(w.casefold() for w in _WORD.findall(text))


@dataclass
class Scrubbed:
    files: int = 0
    lines: int = 0
    reject_lines: int = 0
    cache_files: int = 0
    paths: list[str] = field(default_factory=list)


def scrub(home: Path, traces: Traces) -> Scrubbed:
    """Remove the person's traces from every file c360 wrote under ``home``."""
    done = Scrubbed()
    cache = home / CACHE
    if cache.is_dir():
        done.cache_files = sum(1 for p in cache.rglob("*") if p.is_file())
        shutil.rmtree(cache)
    for path in _text_files(home):
        rejects = path.parent == home / REJECTS and path.suffix == ".jsonl"
        removed = _rewrite(path, traces, rejects)
        if removed:
            done.files += 1
            done.paths.append(str(path))
            if rejects:
                done.reject_lines += removed
            else:
                done.lines += removed
    return done


def _text_files(home: Path) -> list[Path]:
    found = []
    for folder in SCRUBBED:
        for root, _, files in os.walk(home / folder):
            found += [Path(root) / name for name in files]
    return sorted(p for p in found if not p.is_symlink() and _is_text(p))


def _is_text(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return b"\0" not in handle.read(4096)
    except OSError:
        return False


def _rewrite(path: Path, traces: Traces, rejects: bool) -> int:
    """Rewrite ``path`` without the lines holding a trace (through a temporary file, replaced at once);
    the number of lines removed."""
    try:
        with open(path, encoding="utf-8", errors="surrogateescape", newline="") as handle:
            lines = handle.readlines()
    except OSError:
        return 0
    kept = [line for line in lines if not _held(line, traces, rejects)]
    if len(kept) == len(lines):
        return 0
    temporary = path.with_name(f".{path.name}.erasing")
    with open_private(temporary, "w", encoding="utf-8", errors="surrogateescape") as out:
        out.writelines(kept)
    os.replace(temporary, path)
    return len(lines) - len(kept)


def _held(line: str, traces: Traces, rejects: bool) -> bool:
    if rejects:
        try:
            entry = json.loads(line)
        except ValueError:
            return traces.held_by(line)
        if isinstance(entry, dict) and (str(entry.get("file")), entry.get("line")) in traces.rows:
            return True
    return traces.held_by(line)
