"""Typing slips as keyboards make them: an extra key, a missed key, the key next door, two keys swapped.

French and Belgian hands type on AZERTY, Dutch ones on QWERTY, so ``Dupont`` becomes ``Dupint`` in Lyon
and ``van Dijk`` becomes ``van Dijl`` in Utrecht. Digits slip to their neighbours on the top row and on the
keypad. A slip never touches separators (``@``, ``.``, ``-``, blanks): what a slip leaves looks typed.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable

from synthetic.draws import below, pick

LAYOUTS: dict[str, tuple[str, ...]] = {
    "azerty": ("azertyuiop", "qsdfghjklm", "wxcvbn"),
    "qwerty": ("qwertyuiop", "asdfghjkl", "zxcvbnm"),
}
LAYOUT_OF_COUNTRY: dict[str, str] = {"FR": "azerty", "BE": "azerty", "NL": "qwerty"}
SLIPS = ("insert", "delete", "substitute", "transpose")
# Keypad rows 789 / 456 / 123 / 0, and the top row 1234567890: a digit's neighbours on either.
_DIGIT_NEIGHBOURS: dict[str, str] = {
    "0": "19", "1": "2472", "2": "13585", "3": "2694", "4": "35718", "5": "462893", "6": "5793",
    "7": "684", "8": "79561", "9": "80634",
}


def _neighbours(rows: tuple[str, ...]) -> dict[str, str]:
    """Keys touching each key: left and right, and the staggered keys above and below."""
    found: dict[str, str] = {}
    for r, row in enumerate(rows):
        for i, key in enumerate(row):
            near = [row[j] for j in (i - 1, i + 1) if 0 <= j < len(row)]
            if r > 0:
                near += [rows[r - 1][j] for j in (i, i + 1) if j < len(rows[r - 1])]
            if r + 1 < len(rows):
                near += [rows[r + 1][j] for j in (i - 1, i) if 0 <= j < len(rows[r + 1])]
            found[key] = "".join(near)
    return found


_LETTER_NEIGHBOURS = {layout: _neighbours(rows) for layout, rows in LAYOUTS.items()}


def neighbour(char: str, layout: str, rng: random.Random) -> str:
    """A key next to ``char``, in its case; an accented letter slips like its base letter."""
    if char.isdigit():
        return pick(rng, _DIGIT_NEIGHBOURS[char])
    base = unicodedata.normalize("NFKD", char)[0].lower()
    near = pick(rng, _LETTER_NEIGHBOURS[layout].get(base, "e"))
    return near.upper() if char.isupper() else near


def slip(value: str, rng: random.Random, layout: str = "azerty", kind: str | None = None,
         where: Callable[[str], bool] = str.isalnum) -> str:
    """``value`` with one slip of ``kind`` (drawn when None) at a character ``where`` accepts; always changed.

    ``where`` keeps digits-only slips on numbers (``str.isdigit``) and letters-only ones on names.
    """
    positions = [i for i, ch in enumerate(value) if where(ch)]
    if not positions:
        return value
    kind = kind or SLIPS[below(rng, len(SLIPS))]
    i = positions[below(rng, len(positions))]
    if kind == "transpose":
        pairs = [p for p in positions if p + 1 in positions and value[p] != value[p + 1]]
        if pairs:
            j = pairs[below(rng, len(pairs))]
            return value[:j] + value[j + 1] + value[j] + value[j + 2:]
        kind = "substitute"
    if kind == "delete" and len(positions) > 1:
        return value[:i] + value[i + 1:]
    if kind == "insert":
        return value[:i + 1] + neighbour(value[i], layout, rng) + value[i + 1:]
    return value[:i] + neighbour(value[i], layout, rng) + value[i + 1:]
