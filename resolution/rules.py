"""Identity rules: which identifiers link records, how far each is trusted, what never links.

The defaults ship as ``rules.toml`` next to this module; a user's file replaces whole tables it names
(``[identifiers.email]``, ``[blocklist]``, ``[sources]``, ``[fuzzy]``) and keeps the rest. A rules file with
an unknown key or a bad value is refused with the key and the reason, never half applied.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from graph.errors import InputError


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class IdentifierRule(_Strict):
    link: bool = False
    trust: float = Field(0.5, ge=0, le=1)
    priority: int = 9
    max_records: int = Field(12, ge=2)
    exclusive: Literal["global", "source"] | None = None


class Blocklist(_Strict):
    values: tuple[str, ...] = ()
    prefixes: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()


class FuzzyRules(_Strict):
    enabled: bool = True
    threshold: float = Field(0.99, gt=0, lt=1)
    max_block_size: int = Field(400, ge=2)
    prior: float = Field(0.01, gt=0, lt=1)


class Rules(_Strict):
    identifiers: dict[str, IdentifierRule]
    blocklist: Blocklist = Blocklist()
    sources: dict[str, float] = {}
    fuzzy: FuzzyRules = FuzzyRules()

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
