"""When two values of an exclusive identifier really are two people, and when one is a slip of the other.

A national id or a customer number typed with one wrong or swapped character is still the same person's.
Two values conflict only when one cannot be a slip of the other: more edits apart than the type's
``slip_distance``, or both passing a check digit (a typo almost always breaks it, so two valid numbers are
two numbers). A near miss is then left to probabilistic matching, which weighs it with the other fields.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import cache
from types import ModuleType

from rapidfuzz.distance import OSA

from resolution.rules import Rules

#: (identifier type, value, other value) → the two cannot belong to one person
Conflicts = Callable[[str, str, str], bool]


@cache
def _format(name: str) -> ModuleType:
    return importlib.import_module(f"stdnum.{name}")


def passes_check_digit(value: str, formats: tuple[str, ...]) -> bool:
    return any(_format(name).is_valid(value) for name in formats)


def conflicts(rules: Rules) -> Conflicts:
    def conflict(kind: str, value: str, other: str) -> bool:
        if value == other:
            return False
        rule = rules.identifiers.get(kind)
        if rule is None:
            return True
        if rule.check_digits and passes_check_digit(value, rule.check_digits) \
                and passes_check_digit(other, rule.check_digits):
            return True
        return OSA.distance(value, other) > rule.slip_distance

    return conflict
