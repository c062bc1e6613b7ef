"""A small loaded graph for the analysts' tests: generated sources, loaded, resolved, located and scored as
the demo does, so every label and relationship type an analyst meets is there."""

from __future__ import annotations

from pathlib import Path

import pipeline
from graph import Graph
from loaders.run import plan
from scoring.score import score_customers
from synthetic import generate
from tests.conftest import clear

PEOPLE = 150
SEED = 23


def build(graph: Graph, data: Path, home: Path) -> None:
    """The demo's steps on ``PEOPLE`` generated people, into an emptied graph."""
    generate(PEOPLE, data, seed=SEED)
    clear(graph)
    graph.apply_schema()
    pipeline.load(graph, plan([data]), home)
    pipeline.resolve(graph, cache_dir=home / "cache")
    score_customers(graph)
