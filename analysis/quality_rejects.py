"""How many values of each field a load refused, from its reject file (``loaders.rejects``).

The load run in the store keeps only totals; the reject file under ``C360_HOME/rejects/`` says which field
each refusal was about. Only the field and the action are read: the refused values never leave the file.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

#: the actions of a reject file that count against a field's validity (an erased person's row does not)
REFUSALS = ("record_rejected", "value_dropped")


def refused_per_field(path: Path) -> dict[str, int] | None:
    """Refusals per field (``record`` for a row refused as a whole, unreadable, with no field), or None when
    the file cannot be read."""
    counts: Counter[str] = Counter()
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            for line in handle:
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue  # a line cut by a full disk: the rest still counts
                if isinstance(entry, dict) and entry.get("action") in REFUSALS:
                    counts[str(entry.get("field") or "record")] += 1
    except OSError:
        return None
    return dict(counts)
