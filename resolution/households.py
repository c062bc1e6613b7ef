"""The household guard on deterministic links: a shared value whose records name clearly different people.

A family email, a phone on a household's contract, a loyalty card passed around: records sharing such a
value are not one person, however trusted the identifier's type. When the first names of the records
sharing a value clearly differ, the value links nothing by itself; probabilistic matching still weighs it
with every other field, so two records of one person sharing it are joined there.
"""

from __future__ import annotations

from itertools import combinations

from rapidfuzz.distance import OSA, JaroWinkler

from resolution.features import fold

#: first names at least this alike (Jaro-Winkler) may be one person's (a typo, a short form)
ALIKE = 0.8


def clearly_different(a: str | None, b: str | None) -> bool:
    """Two first names that cannot be one person's: not a typo, not initials, not a shortened form."""
    left, right = _initials_run_together(fold(a)), _initials_run_together(fold(b))
    if not left or not right or left == right:
        return False
    if len(left) == 1 or len(right) == 1:
        return left[0] != right[0]
    words_left, words_right = left.split(), right.split()
    if set(words_left) & set(words_right) or left.startswith(right) or right.startswith(left):
        return False  # Jean / Jean Pierre, Marie / Marie-Claire
    initials = ("".join(w[0] for w in words_left), "".join(w[0] for w in words_right))
    if left in initials or right in initials:
        return False  # JP / Jean Pierre
    return JaroWinkler.normalized_similarity(left, right) < ALIKE and OSA.distance(left, right) > 1


def _initials_run_together(name: str) -> str:
    """``J. P.`` (folded to ``j p``) read as the initials ``jp`` it stands for, so that it meets the initials
    of ``Jean Pierre``; a name with any longer word is left as it is."""
    words = name.split()
    return "".join(words) if len(words) > 1 and all(len(w) == 1 for w in words) else name


Name = tuple[str | None, str | None]  # first name, last name


def is_household(names: list[Name]) -> bool:
    """Records naming clearly different people: first names that cannot be one person's, unless the names
    were only written the other way round (first name in the last name's place)."""
    return any(clearly_different(a[0], b[0]) and not _swapped(a, b) for a, b in combinations(names, 2))


def _swapped(a: Name, b: Name) -> bool:
    return not clearly_different(a[0], b[1]) and not clearly_different(a[1], b[0]) and bool(a[0] and b[1])
