"""Identity rules: which identifiers link records, how far each is trusted, what never links.

The defaults ship as ``rules.toml`` next to this module; a user's file replaces whole tables it names
(``[identifiers.email]``, ``[blocklist]``, ``[sources]``, ``[matching]``, ``[golden]``) and keeps the rest.
A rules file with an unknown key or a bad value is refused with the key and the reason, never half applied.
"""

from __future__ import annotations

import importlib
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from graph.errors import InputError
from resolution.features import COLUMNS

#: the columns of the matching table that blocking and training rules may name
MATCH_COLUMNS = tuple(name for name in COLUMNS if name != "unique_id")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class IdentifierRule(_Strict):
    link: bool = False
    trust: float = Field(0.5, ge=0, le=1)
    priority: int = 9
    max_records: int = Field(12, ge=2)
    exclusive: Literal["global", "source"] | None = None
    #: two values within this many edits (a transposition is one) may be a slip of one another: no conflict
    slip_distance: int = Field(1, ge=0)
    #: python-stdnum formats (``nl.bsn``, ``be.nn``, ``fr.nir``): two values that both pass a check digit are
    #: two real numbers, never a slip, however close
    check_digits: tuple[str, ...] = ()
    #: records sharing a value are linked only when their first names do not clearly differ (a family email)
    household_guard: bool = True

    @field_validator("check_digits")
    @classmethod
    def _known_formats(cls, formats: tuple[str, ...]) -> tuple[str, ...]:
        for name in formats:
            try:
                importlib.import_module(f"stdnum.{name}")
            except ImportError:
                raise ValueError(f"{name!r} is not a python-stdnum format (e.g. nl.bsn, be.nn, fr.nir)") from None
        return formats


class Blocklist(_Strict):
    values: tuple[str, ...] = ()
    prefixes: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()


Columns = list[str]


class MatchingRules(_Strict):
    """Probabilistic matching (``resolution.linkage``): which pairs are compared, how the model is trained."""

    enabled: bool = True
    threshold: float = Field(0.5, gt=0, lt=1)
    #: how sure the model must be of a pair, compared directly, to waive a conflict between its identifiers
    vouch: float = Field(0.99, gt=0, lt=1)
    blocking: list[Columns] = Field(min_length=1)
    training: list[Columns] = []
    prior_rules: list[Columns] = []
    prior_recall: float = Field(0.7, gt=0, le=1)
    #: the starting share of matches among all pairs, kept when the prior rules find no pair at all
    prior: float = Field(0.0001, gt=0, lt=1)
    u_pairs: float = Field(1e6, ge=1)
    seed: int = 42
    #: below this many records nothing is estimated: the starting values stand
    min_records: int = Field(1000, ge=2)
    #: "apart": the same surname with a clearly different first name is a household, fixed strongly against;
    #: "learned": EM learns from the data how often one person's first name changes between records
    households: Literal["apart", "learned"] = "apart"

    @field_validator("blocking", "training", "prior_rules")
    @classmethod
    def _known_columns(cls, rules: list[Columns]) -> list[Columns]:
        for rule in rules:
            if not rule:
                raise ValueError("a rule names at least one column")
            if unknown := sorted(set(rule) - set(MATCH_COLUMNS)):
                raise ValueError(f"unknown column {unknown[0]!r}; columns: {', '.join(MATCH_COLUMNS)}")
        return rules


class GoldenRules(_Strict):
    """How each golden value is chosen among a customer's records (``resolution.golden``)."""

    #: attributes chosen by the majority of records (near spellings vote together), then trust, then recency;
    #: the others by the most trusted source, then the most recent record (a correction must win)
    majority: tuple[str, ...] = ("first_name", "last_name", "birth_date")


class Rules(_Strict):
    identifiers: dict[str, IdentifierRule]
    blocklist: Blocklist = Blocklist()
    sources: dict[str, float] = {}
    matching: MatchingRules
    golden: GoldenRules = GoldenRules()

    @property
    def link_types(self) -> list[str]:
        return sorted(t for t, rule in self.identifiers.items() if rule.link)

    def exclusive(self, scope: str) -> list[str]:
        return sorted(t for t, rule in self.identifiers.items() if rule.exclusive == scope)

    def trust(self, identifier_type: str) -> float:
        rule = self.identifiers.get(identifier_type)
        return rule.trust if rule else 0.0

    def parameters(self) -> dict[str, Any]:
        """What the resolution queries need, as query parameters."""
        return {"types": self.link_types,
                "max_records": {t: rule.max_records for t, rule in self.identifiers.items()},
                "junk_keys": list(self.blocklist.values), "junk_prefixes": list(self.blocklist.prefixes),
                "junk_patterns": list(self.blocklist.patterns)}


def default_rules() -> Rules:
    return load_rules(None)


def rules_in_use(home: Path, path: Path | None = None) -> Rules:
    """``path`` if given, else ``$C360_HOME/rules.toml`` if present, else the shipped rules."""
    if path is None and (home / "rules.toml").is_file():
        path = home / "rules.toml"
    return load_rules(path)


def load_rules(path: Path | None) -> Rules:
    """The shipped rules, with the tables of ``path`` replacing theirs."""
    data = tomllib.loads(resources.files(__package__).joinpath("rules.toml").read_text(encoding="utf-8"))
    if path is not None:
        try:
            user = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise InputError(f"{path}: cannot read rules: {error}") from error
        identifiers = {**data.get("identifiers", {}), **user.pop("identifiers", {})}
        data = {**data, **user, "identifiers": identifiers}
    try:
        return Rules.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        raise InputError(f"{path or 'rules.toml'}: {problems}") from error
