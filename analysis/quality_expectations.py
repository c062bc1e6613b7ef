"""Expectations: thresholds on the quality measures, read from TOML, and their verdict on a check's measurements.

The shipped defaults are ``expectations.toml`` next to this module; ``$C360_HOME/expectations.toml`` replaces
them when present, and ``--expectations FILE`` replaces both. A file with an unknown key or a bad value is
refused whole, with the file, the entry and the key.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from analysis.quality_measures import ABSENT_IS_ZERO, SELECTORS, Measurement
from graph.errors import InputError

ANY = "*"


class Expectation(BaseModel):
    """``measure`` and what it is about (a selector left out, or ``"*"``, means every one), and ``min``/``max``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    measure: str
    min: float | None = None
    max: float | None = None
    source: str | None = None
    field: str | None = None
    type: str | None = None
    reason: str | None = None
    kind: str | None = None
    purpose: str | None = None
    check: str | None = None
    stat: str | None = None

    @model_validator(mode="after")
    def _sound(self) -> Expectation:
        if self.measure not in SELECTORS:
            raise ValueError(f"measure: unknown measure {self.measure!r}; measures: {', '.join(SELECTORS)}")
        if self.min is None and self.max is None:
            raise ValueError("give min, max or both")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min:g} is above max {self.max:g}")
        for key, value in self.selectors().items():
            if key not in SELECTORS[self.measure]:
                raise ValueError(f"{key}: {self.measure} is not measured per {key} (it is per "
                                 f"{', '.join(SELECTORS[self.measure]) or 'nothing'})")
            if not value:
                raise ValueError(f"{key}: empty; leave it out or write \"*\" for every one")
        return self

    def selectors(self) -> dict[str, str]:
        names = ("source", "field", "type", "reason", "kind", "purpose", "check", "stat")
        return {name: value for name in names if (value := getattr(self, name)) is not None}

    def label(self) -> str:
        return " ".join([self.measure, *(f"{k}={v}" for k, v in self.selectors().items())])

    def bounds(self) -> str:
        parts = [f"min {self.min:g}"] if self.min is not None else []
        return " and ".join([*parts, *([f"max {self.max:g}"] if self.max is not None else [])])

    def matches(self, measurement: Measurement) -> bool:
        return measurement.measure == self.measure and all(
            value == ANY or measurement.on.get(key) == value for key, value in self.selectors().items())

    def admits(self, value: float) -> bool:
        return (self.min is None or value >= self.min) and (self.max is None or value <= self.max)


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    expect: list[Expectation] = []


@dataclass(frozen=True)
class Verdict:
    """One expectation checked on one measurement (or on none, when nothing it names was measured)."""

    expectation: str
    measure: str
    on: dict[str, str]
    value: float | None
    min: float | None
    max: float | None
    passed: bool
    line: str

    def as_json(self) -> dict[str, Any]:
        return {"expectation": self.expectation, "measure": self.measure, **self.on, "value": self.value,
                "min": self.min, "max": self.max, "passed": self.passed, "line": self.line}


def expectations_in_use(home: Path, path: Path | None = None) -> tuple[list[Expectation], str]:
    """``path`` if given, else ``$C360_HOME/expectations.toml`` if present, else the shipped file; with
    the name of the file used."""
    if path is None and (home / "expectations.toml").is_file():
        path = home / "expectations.toml"
    if path is None:
        text = resources.files(__package__).joinpath("expectations.toml").read_text(encoding="utf-8")
        return parse_expectations(text, "expectations.toml (shipped)"), "expectations.toml (shipped)"
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: cannot read expectations: {error}") from error
    return parse_expectations(text, str(path)), str(path)


def parse_expectations(text: str, name: str) -> list[Expectation]:
    """The ``[[expect]]`` entries of a TOML text; ``name`` is the file, for errors."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InputError(f"{name}: not valid TOML: {error}") from error
    try:
        return _File.model_validate(data).expect
    except ValidationError as error:
        raise InputError(f"{name}: {_problem(error.errors()[0])}") from error


def _problem(error: Any) -> str:
    """``[[expect]] #2: mix: unknown key`` — the entry counted from 1 as it appears in the file."""
    loc = list(error["loc"])
    where = ""
    if len(loc) >= 2 and loc[0] == "expect" and isinstance(loc[1], int):
        where = f"[[expect]] #{loc[1] + 1}: "
        loc = loc[2:]
    elif loc and loc[0] != "expect":
        return f"{loc[0]}: unknown key (only [[expect]] tables belong here)"
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        message = "unknown key"
    key = ".".join(str(part) for part in loc)
    return where + (f"{key}: {message}" if key else message)


def judge(expectations: list[Expectation], measurements: list[Measurement]) -> list[Verdict]:
    """Each expectation against every measurement it selects. One naming nothing measured fails, unless a
    selector says ``"*"`` (then there was nothing to check) or absence means zero (no blocked value)."""
    verdicts = []
    for expectation in expectations:
        selected = [m for m in measurements if expectation.matches(m)]
        if not selected and expectation.measure in ABSENT_IS_ZERO:
            selected = [Measurement(expectation.measure, {k: v for k, v in expectation.selectors().items()
                                                          if v != ANY}, 0)]
        if not selected and ANY not in expectation.selectors().values():
            verdicts.append(Verdict(expectation.label(), expectation.measure, expectation.selectors(), None,
                                    expectation.min, expectation.max, False,
                                    f"FAILED {expectation.label()}: nothing measured (expected "
                                    f"{expectation.bounds()})"))
        for measurement in selected:
            passed = expectation.admits(measurement.value)
            subject = " ".join([measurement.measure, *(f"{k}={v}" for k, v in measurement.on.items())])
            line = (f"{'ok' if passed else 'FAILED'} {subject}: {measurement.value:g} "
                    f"(expected {expectation.bounds()})")
            verdicts.append(Verdict(expectation.label(), measurement.measure, measurement.on, measurement.value,
                                    expectation.min, expectation.max, passed, line))
    return verdicts
