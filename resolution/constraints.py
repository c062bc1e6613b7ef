"""Splitting a component that must not be one person, at its weakest links.

Two records with conflicting values of an exclusive identifier (a national id; a customer number within one
source — conflicting: not a slip of one another, ``resolution.slips``) or a manual ``NOT_SAME_AS`` decision
between them are never one profile — unless the model, comparing those two records themselves with their
different values weighed among everything else, calls them one person (``vouches``): the identifier is
evidence, not a wall, and a conflict keeps apart what only a chain of other links joins. Once a profile
holds two values the model accepted as one person's, other records carrying either value no longer
conflict over that same difference. A component
holding forbidden records is rebuilt like Kruskal's algorithm: links are added strongest first (manual
``SAME_AS``, then by the trust of their identifier type or the match probability), and a link that would
join two forbidden records is left out — so the component splits where its evidence is weakest, and the
links left out are reported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

SAME_AS_STRENGTH = 2.0
Slot = tuple[str, str]  # (identifier type, scope: a source name or "*")
#: (identifier type, value, other value) → the two cannot belong to one person
Conflicts = Callable[[str, str, str], bool]
#: (record, other record) → the model calls the two one person, having weighed their identifiers too
Vouches = Callable[[str, str], bool]


def different(kind: str, value: str, other: str) -> bool:
    """The strictest test: any other value is another person."""
    return value != other


def nobody(key: str, other: str) -> bool:
    """No model vouches for any pair: every conflict holds."""
    return False


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
    exclusive: dict[Slot, list[tuple[str, str]]]  # slot → (record, value) of the group's records
    refused: set[str] = field(default_factory=set)  # records a NOT_SAME_AS keeps out
    accepted: set[frozenset[str]] = field(default_factory=set)  # value pairs vouched for as one person's


@dataclass(frozen=True)
class Split:
    groups: list[list[str]]
    cut: list[Link]


@dataclass(frozen=True)
class Rules:
    """What keeps records apart: exclusive values (per record), decisions, and how values are compared."""

    exclusive: dict[str, dict[Slot, str]]
    not_same: dict[str, set[str]]
    conflicts: Conflicts = different
    vouches: Vouches = nobody

    def clash(self, left: Iterable[tuple[str, str]], right: Iterable[tuple[str, str]], kind: str,
              accepted: set[frozenset[str]] | None = None) -> bool:
        """Whether a record of ``left`` and one of ``right`` carry values that cannot be one person's."""
        return bool(self.differences(left, right, kind, accepted, vouched=False))

    def differences(self, left: Iterable[tuple[str, str]], right: Iterable[tuple[str, str]], kind: str,
                    accepted: set[frozenset[str]] | None, vouched: bool) -> list[frozenset[str]]:
        """The conflicting value pairs between ``left`` and ``right``: those the model vouches for (``vouched``)
        or those it does not, leaving out pairs already ``accepted``."""
        right = list(right)
        return [frozenset((value, other)) for key, value in left for other_key, other in right
                if self.conflicts(kind, value, other) and frozenset((value, other)) not in (accepted or ())
                and self.vouches(key, other_key) is vouched]


def has_conflict(members: Iterable[str], rules: Rules) -> bool:
    """Whether a component holds two records that must not be one person."""
    seen: dict[Slot, list[tuple[str, str]]] = {}
    keys = set(members)
    for key in keys:
        if rules.not_same.get(key, set()) & keys:
            return True
        for slot, value in rules.exclusive.get(key, {}).items():
            carried = seen.setdefault(slot, [])
            if rules.clash([(key, value)], carried, slot[0]):
                return True
            carried.append((key, value))
    return False


def split(members: Iterable[str], links: Iterable[Link], rules: Rules) -> Split:
    """Groups of ``members`` joined by the strongest links that break no constraint, and the links cut."""
    groups = {key: _Group({key}, {slot: [(key, value)] for slot, value in rules.exclusive.get(key, {}).items()},
                          set(rules.not_same.get(key, set()))) for key in members}
    cut: list[Link] = []
    for link in sorted(links, key=lambda x: (-x.strength, x.rank, x.via, x.a, x.b)):
        left, right = groups[link.a], groups[link.b]
        if left is right:
            continue
        if _refuses(left, right, manual=link.via == "SAME_AS", rules=rules):
            cut.append(link)
            continue
        for slot, carried in left.exclusive.items():
            left.accepted.update(rules.differences(carried, right.exclusive.get(slot, ()), slot[0],
                                                   left.accepted | right.accepted, vouched=True))
        left.members |= right.members
        left.refused |= right.refused
        left.accepted |= right.accepted
        for slot, carried in right.exclusive.items():
            left.exclusive.setdefault(slot, []).extend(carried)
        for key in right.members:
            groups[key] = left
    distinct = {id(g): g for g in groups.values()}.values()
    return Split(sorted(sorted(g.members) for g in distinct), cut)


def _refuses(left: _Group, right: _Group, manual: bool, rules: Rules) -> bool:
    if left.refused & right.members or right.refused & left.members:
        return True
    if manual:  # a person said these are one: identifiers do not overrule them, only another decision
        return False
    accepted = left.accepted | right.accepted
    for slot, carried in left.exclusive.items():  # what the model accepts about a pair of this very merge
        accepted |= set(rules.differences(carried, right.exclusive.get(slot, ()), slot[0], accepted, vouched=True))
    return any(rules.clash(carried, right.exclusive.get(slot, ()), slot[0], accepted)
               for slot, carried in left.exclusive.items())
