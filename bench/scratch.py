"""A fresh embedded store in a temporary directory, for benchmarks that must not touch the user's data."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from graph import Settings
from graph.embedded import EmbeddedServer


@contextmanager
def fresh_graph(prefix: str) -> Iterator[tuple[Settings, Path]]:
    """Settings of a new pinned embedded store, and a scratch directory for data; both gone afterwards."""
    with tempfile.TemporaryDirectory(prefix=prefix) as scratch:
        home = Path(scratch) / "home"
        server = EmbeddedServer(home)
        server.start()
        try:
            yield Settings(neo4j_uri=None, c360_home=home), Path(scratch)
        finally:
            server.stop()
