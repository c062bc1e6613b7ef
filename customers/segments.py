"""The marketing segments a customer can be in: names and what each means.

``c360 score`` assigns them (``scoring.rfm``); invitations filter by them and the API describes them, so the
catalogue lives with the customer read model, below both.
"""

from __future__ import annotations

from typing import Any

from graph.database import Graph

PROSPECTS = "Prospects"

#: every segment with its description, in the order of the RFM grid that assigns them
SEGMENTS: list[tuple[str, str]] = [
    ("Champions", "bought recently, buy often and spend the most (R 4-5, FM 5; or R 5, FM 4)"),
    ("Loyal", "buy often and spend well, not necessarily lately (R ≥ 3, FM ≥ 4)"),
    ("Potential loyalists", "recent customers with average frequency and spend (R ≥ 4, FM 2-3)"),
    ("New", "bought for the first time recently (R 5, FM 1)"),
    ("Promising", "recent, small so far (R 4, FM 1)"),
    ("Need attention", "above average, slipping (R 3, FM 3)"),
    ("About to sleep", "below average and slipping (R 3, FM ≤ 2)"),
    ("Cannot lose them", "were among the best, gone quiet (R 1, FM 5)"),
    ("At risk", "spent well, long ago (R ≤ 2, FM ≥ 3)"),
    ("Hibernating", "small and long ago (R 2, FM ≤ 2)"),
    ("Lost", "lowest scores (R 1, FM ≤ 2)"),
    (PROSPECTS, "no purchase yet"),
]
DESCRIPTIONS = dict(SEGMENTS)


def segment_sizes(graph: Graph) -> list[dict[str, Any]]:
    """Each segment with its description and how many customers the last scoring run put in it."""
    return graph.read("segment_sizes")
