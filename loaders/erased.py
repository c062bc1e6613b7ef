"""Rows of erased people are refused at the door: a later load of the same source does not bring them back.

An erasure (``privacy.erase``) leaves keyed hashes of the erased record keys and identifier keys
(``(:ErasedKey {hash})-[:ERASED_IN]->(:Erased {at})``). Each batch of validated rows is checked with one
query: a row whose record key or any identifier key hashes to one of them is refused with the date of the
erasure, counted apart from other rejects, and written to the reject file without any value.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from itertools import islice
from pathlib import Path

from graph.database import Queries
from graph.keyed import existing_key, keyed_hash, store_key
from loaders.mapping import SourceMapping
from loaders.rejects import RejectLog
from loaders.validation import Accepted

#: the name of the store's key for erasure hashes (``graph.keyed``)
KEY_NAME = "erasure"
BATCH = 4000


def erasure_key(graph: Queries) -> bytes:
    """The key of erasure hashes, made by the first erasure."""
    return store_key(graph, KEY_NAME)


def row_keys(accepted: Accepted, mapping: SourceMapping) -> list[str]:
    """The record key a row is stored under (``SOURCE:SOURCE_ID``) and the keys of its identifiers."""
    record = accepted.record
    return [f"{mapping.source.name}:{record.source_id}", *(f"{kind}:{value}" for kind, value in record.identifiers())]


def refused(graph: Queries, accepted: Iterator[Accepted], mapping: SourceMapping, file: Path,
            rejects: RejectLog) -> Iterator[Accepted]:
    """``accepted`` without the rows of erased people, checked one batch (one query) at a time; without any
    erasure ever (no key), every row passes and held values are written as they come."""
    key = existing_key(graph, KEY_NAME)
    if key is None:
        for row in accepted:
            rejects.settle(set())
            yield row
        rejects.settle(set())
        return
    while batch := list(islice(accepted, BATCH)):
        hashes = {row.line: [keyed_hash(key, k) for k in row_keys(row, mapping)] for row in batch}
        erased_on = _erased(graph, sorted({h for found in hashes.values() for h in found}))
        refused_lines: set[int] = set()
        kept = []
        for row in batch:
            hits = [erased_on[h] for h in hashes[row.line] if h in erased_on]
            if hits:
                refused_lines.add(row.line)
                rejects.refuse_erased(file, row.line, f"erased on {min(hits):%Y-%m-%d}")
            else:
                kept.append(row)
        rejects.settle(refused_lines)
        yield from kept


def _erased(graph: Queries, hashes: list[str]) -> dict[str, datetime]:
    """Which of ``hashes`` an erasure left, and when it was made."""
    return {row["hash"]: row["at"] for row in graph.read("erased_keys", hashes=hashes)} if hashes else {}
