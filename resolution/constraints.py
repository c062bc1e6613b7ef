"""Splitting a component that must not be one person, at its weakest links.

Two records with conflicting values of an exclusive identifier (a national id; a customer number within one
source — conflicting: not a slip of one another, ``resolution.slips``) or a manual ``NOT_SAME_AS`` decision
between them are never one profile. A component holding such
records is rebuilt like Kruskal's algorithm: links are added strongest first (manual ``SAME_AS``, then by
the trust of their identifier type or the fuzzy score), and a link that would join two forbidden records is
left out — so the component splits where its evidence is weakest, and the links left out are reported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

SAME_AS_STRENGTH = 2.0
Slot = tuple[str, str]  # (identifier type, scope: a source name or "*")
#: (identifier type, value, other value) → the two cannot belong to one person
Conflicts = Callable[[str, str, str], bool]


def different(kind: str, value: str, other: str) -> bool:
    """The strictest test: any other value is another person."""
    return value != other


@dataclass(frozen=True, order=True)
class Link:
    """Evidence joining two records: ``via`` is an identifier key, ``SIMILAR_TO`` or ``SAME_AS``; between
    links of equal strength, the lower ``rank`` (the identifier type's priority) is kept first."""

    strength: float
    a: str
    b: str
    via: str
    rank: int = 0


@dataclass
class _Group:
    members: set[str]
    exclusive: dict[Slot, set[str]]  # the values the group's records carry (near values may share a slot)
    refused: set[str] = field(default_factory=set)  # records a NOT_SAME_AS keeps out


@dataclass(frozen=True)
class Split:
    groups: list[list[str]]
    cut: list[Link]


def has_conflict(members: Iterable[str], exclusive: dict[str, dict[Slot, str]], not_same: dict[str, set[str]],
                 conflicts: Conflicts = different) -> bool:
    """Whether a component holds two records that must not be one person."""
    seen: dict[Slot, set[str]] = {}
    keys = set(members)
    for key in keys:
        if not_same.get(key, set()) & keys:
            return True
        for slot, value in exclusive.get(key, {}).items():
            values = seen.setdefault(slot, set())
            if any(conflicts(slot[0], value, other) for other in values):
                return True
            values.add(value)
    return False


def split(members: Iterable[str], links: Iterable[Link], exclusive: dict[str, dict[Slot, str]],
          not_same: dict[str, set[str]], conflicts: Conflicts = different) -> Split:
    """Groups of ``members`` joined by the strongest links that break no constraint, and the links cut."""
    groups = {key: _Group({key}, {slot: {value} for slot, value in exclusive.get(key, {}).items()},
                          set(not_same.get(key, set()))) for key in members}
    cut: list[Link] = []
    for link in sorted(links, key=lambda x: (-x.strength, x.rank, x.via, x.a, x.b)):
        left, right = groups[link.a], groups[link.b]
        if left is right:
            continue
        if _refuses(left, right, manual=link.via == "SAME_AS", conflicts=conflicts):
            cut.append(link)
            continue
        left.members |= right.members
        left.refused |= right.refused
        for slot, values in right.exclusive.items():
            left.exclusive.setdefault(slot, set()).update(values)
        for key in right.members:
            groups[key] = left
    distinct = {id(g): g for g in groups.values()}.values()
    return Split(sorted(sorted(g.members) for g in distinct), cut)


def _refuses(left: _Group, right: _Group, manual: bool, conflicts: Conflicts) -> bool:
    if left.refused & right.members or right.refused & left.members:
        return True
    if manual:  # a person said these are one: identifiers do not overrule them, only another decision
        return False
    return any(conflicts(slot[0], value, other)
               for slot, values in left.exclusive.items() for value in values
               for other in right.exclusive.get(slot, ()))
