"""Events before they have an id: when they happened and who really did it.

Event sources number their rows in time order (a till, a web log and a case tool hand out increasing
ids) with random gaps, so an id says when, never who.
"""

from __future__ import annotations

import random
from typing import NamedTuple

from synthetic.sources import IdScheme, Record, Row


class Draft(NamedTuple):
    at: int  # UTC seconds; orders the file even when the written timestamp is deliberately broken
    person_id: str
    row: Row


def in_time_order(drafts: list[Draft], scheme: IdScheme, rng: random.Random) -> list[Record]:
    """Records sorted by time, ties kept in the order drafted, ids increasing down the file."""
    drafts = sorted(drafts, key=lambda draft: draft.at)
    numbers = sorted(rng.sample(scheme.numbers, len(drafts)))
    return [Record(f"{scheme.prefix}{number}", draft.person_id,
                   {scheme.column: f"{scheme.prefix}{number}", **draft.row})
            for number, draft in zip(numbers, drafts, strict=True)]
