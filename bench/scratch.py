"""A fresh embedded store in a temporary directory, for benchmarks that must not touch the user's data, and
the demo's graph built in it."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pipeline
from graph import Graph, Settings
from graph.embedded import EmbeddedServer
from loaders.run import plan
from synthetic import generate


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


def demo_graph(graph: Graph, home: Path, sources: Path, customers: int, seed: int = 42) -> pipeline.Resolved:
    """The demo's sources for ``customers`` people written to ``sources``, loaded and resolved as ``c360 demo``
    does it (homes and shopping places included), so that a benchmark measures the graph users get."""
    generate(customers, sources, seed=seed)
    pipeline.load(graph, plan([sources]), home)
    return pipeline.resolve(graph, cache_dir=home / "cache")
