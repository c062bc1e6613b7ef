"""Retention rules: how long each kind of event is kept, per source if need be, and when an inactive customer
is erased.

The defaults ship as ``retention.toml`` next to this module; ``$C360_HOME/retention.toml`` or ``--rules FILE``
replaces the tables it names (``[events.tickets]``, ``[customers]``) and keeps the rest, as the identity rules
do. A file with an unknown key or a bad age is refused with the file, the rule and the field, never half
applied: a retention run deletes, so a typo must not silently keep or drop a kind.
"""

from __future__ import annotations

import calendar
import re
import tomllib
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from graph.errors import InputError

#: the kinds of event a rule may name, and what ages them (``docs/privacy.md``)
EVENT_KINDS = ("transactions", "web_sessions", "tickets", "consents")
RULES_FILE = "retention.toml"
_AGE = re.compile(r"^\s*(\d+)\s*(day|days|month|months|year|years)\s*$")


@dataclass(frozen=True)
class Age:
    """An age in calendar units: "13 months" before 31 March is 28 February, not 395 days."""

    count: int
    unit: Literal["days", "months", "years"]

    def before(self, at: datetime) -> datetime:
        """The instant this age before ``at``: what is older than it has expired."""
        if self.unit == "days":
            return at - timedelta(days=self.count)
        months = self.count * (12 if self.unit == "years" else 1)
        index = at.year * 12 + at.month - 1 - months
        year, month = divmod(index, 12)
        day = min(at.day, calendar.monthrange(year, month + 1)[1])
        return at.replace(year=year, month=month + 1, day=day)

    def __str__(self) -> str:
        return f"{self.count} {self.unit.removesuffix('s') if self.count == 1 else self.unit}"


def parse_age(value: Any) -> Age:
    """``"13 months"``, ``"3 years"``, ``"90 days"`` or a whole number of days."""
    if isinstance(value, Age):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        count, unit = value, "days"
    else:
        found = _AGE.match(value) if isinstance(value, str) else None
        if found is None:
            raise ValueError(f"{value!r} is not an age: write \"13 months\", \"3 years\", \"90 days\" or a number "
                             "of days")
        count, unit = int(found[1]), found[2] if found[2].endswith("s") else found[2] + "s"
    if count <= 0:
        raise ValueError(f"{value!r}: an age is more than zero")
    return Age(count, unit)  # type: ignore[arg-type]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


class EventRule(_Strict):
    """The age past which a kind's events go, and other ages for some sources."""

    max_age: Age | None = None
    sources: dict[str, Age] = {}

    @field_validator("max_age", mode="before")
    @classmethod
    def _age(cls, value: Any) -> Age | None:
        return None if value is None else parse_age(value)

    @field_validator("sources", mode="before")
    @classmethod
    def _ages(cls, value: Any) -> dict[str, Age]:
        if not isinstance(value, dict):
            raise ValueError("a table of source = age")
        return {str(source): parse_age(age) for source, age in value.items()}


class CustomerRule(_Strict):
    """A customer inactive for ``inactive`` is erased (``privacy.erase``). ``anonymise`` is not offered: what
    erasure keeps (the anonymous facts) is what anonymising would keep, and a customer node stripped of its
    values but kept would still single someone out by what hangs off it."""

    inactive: Age
    action: Literal["erase"] = "erase"

    @field_validator("inactive", mode="before")
    @classmethod
    def _age(cls, value: Any) -> Age:
        return parse_age(value)


class RetentionRules(_Strict):
    events: dict[Literal["transactions", "web_sessions", "tickets", "consents"], EventRule] = {}
    customers: CustomerRule | None = None

    def described(self) -> dict[str, Any]:
        """The rules as plain values, for the run's audit node and the output."""
        return {"events": {kind: {"max_age": str(rule.max_age) if rule.max_age else None,
                                  "sources": {s: str(a) for s, a in sorted(rule.sources.items())}}
                           for kind, rule in sorted(self.events.items())},
                "customers": ({"inactive": str(self.customers.inactive), "action": self.customers.action}
                              if self.customers else None)}


def retention_rules_in_use(home: Path, path: Path | None = None) -> RetentionRules:
    """``path`` if given, else ``$C360_HOME/retention.toml`` if present, else the shipped rules."""
    if path is None and (home / RULES_FILE).is_file():
        path = home / RULES_FILE
    return load_retention_rules(path)


def load_retention_rules(path: Path | None) -> RetentionRules:
    """The shipped rules, with the tables of ``path`` replacing theirs."""
    data = tomllib.loads(resources.files(__package__).joinpath(RULES_FILE).read_text(encoding="utf-8"))
    if path is not None:
        try:
            user = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise InputError(f"{path}: cannot read retention rules: {error}") from error
        events = user.pop("events", {})
        if not isinstance(events, dict):
            raise InputError(f"{path}: events: a table of kinds ({', '.join(EVENT_KINDS)})")
        data = {**data, **user, "events": {**data.get("events", {}), **events}}
    try:
        return RetentionRules.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg'].removeprefix('Value error, ')}"
                             for e in error.errors())
        raise InputError(f"{path or RULES_FILE}: {problems}") from error
