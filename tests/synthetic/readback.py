"""Generated customer sources read back in canonical terms, beside the clean person each record is about.

Corruption is measured against ``people.csv`` (every person as they are): a record value that differs from
its person, once formats are normalised, is noise the profile put there.
"""

from __future__ import annotations

import csv
import json
import math
import re
import tomllib
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import phonenumbers

SOURCES = ("crm", "webshop", "loyalty")
DATA_FILES = {"crm": "crm.csv", "webshop": "webshop.jsonl", "loyalty": "loyalty.csv"}
VALID_EMAIL = re.compile(r"^[a-z0-9._-]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}$")


@dataclass(frozen=True)
class Written:
    """One record: its source, id, the person it really is, and its values under canonical field names."""

    source: str
    source_id: str
    person_id: str
    values: dict[str, str]
    date_format: str

    def __getitem__(self, name: str) -> str:
        return self.values.get(name, "")

    def birth_date(self) -> date | None:
        raw = self["birth_date"]
        return datetime.strptime(raw, self.date_format).date() if raw else None


@dataclass(frozen=True)
class Generation:
    """A generated directory: its records, its people, and the headers each customer source wrote."""

    out: Path
    people: dict[str, dict[str, str]]
    records: list[Written]
    headers: dict[str, list[str]]
    mappings: dict[str, dict[str, Any]]
    by_person: dict[str, list[Written]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for record in self.records:
            self.by_person.setdefault(record.person_id, []).append(record)

    def of(self, *sources: str) -> list[Written]:
        return [r for r in self.records if r.source in sources]

    def person(self, record: Written) -> dict[str, str]:
        return self.people[record.person_id]

    def households(self) -> dict[str, list[str]]:
        members: dict[str, list[str]] = defaultdict(list)
        for person in self.people.values():
            if person["household_id"]:
                members[person["household_id"]].append(person["person_id"])
        return dict(members)


def read_generation(out: Path) -> Generation:
    truth = {(t["source"], t["source_id"]): t["person_id"] for t in read_csv(out / "truth.csv")}
    records: list[Written] = []
    headers: dict[str, list[str]] = {}
    mappings: dict[str, dict[str, Any]] = {}
    for source in SOURCES:
        mapping = tomllib.loads((out / f"{source}.toml").read_text(encoding="utf-8"))
        mappings[source] = mapping
        rows = raw_rows(out, source, mapping["source"].get("delimiter", ","))
        headers[source] = sorted(set().union(*(row.keys() for row in rows)))
        for row in rows:
            source_id = str(row[mapping["source"]["id"]])
            values = {name: str(row.get(column) or "") for name, column in mapping["columns"].items()}
            records.append(Written(source, source_id, truth[(source, source_id)], values,
                                   mapping["source"]["date_format"]))
    people = {p["person_id"]: p for p in read_csv(out / "people.csv")}
    return Generation(out, people, records, headers, mappings)


def raw_rows(out: Path, source: str, delimiter: str = ",") -> list[dict[str, Any]]:
    path = out / DATA_FILES[source]
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return read_csv(path, delimiter)


def read_csv(path: Path, delimiter: str = ",") -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


def fold(value: str) -> str:
    """Case, accents and blanks away: what is left differs only by a real change."""
    decomposed = unicodedata.normalize("NFKD", value)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.casefold().split())


def e164(value: str, country: str) -> str | None:
    try:
        number = phonenumbers.parse(value, country or None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def email_key(value: str) -> str:
    return value.strip().lower()


def is_valid_email(value: str) -> bool:
    return VALID_EMAIL.match(email_key(value)) is not None


def digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def assert_rate(part: int, whole: int, expected: float, what: str, slack: float = 0.004) -> None:
    """``part / whole`` within four standard errors of ``expected`` (plus ``slack`` for second-order effects)."""
    assert whole > 0, what
    observed = part / whole
    spread = 4 * math.sqrt(max(expected * (1 - expected), 1e-6) / whole) + slack
    assert abs(observed - expected) <= spread, f"{what}: {observed:.4f} ({part}/{whole}), expected {expected}"


def edit_kind(clean: str, typed: str) -> str | None:
    """Which single slip turns ``clean`` into ``typed``: insert, delete, substitute, transpose, or None."""
    if len(typed) == len(clean) + 1:
        return "insert" if any(typed[:i] + typed[i + 1:] == clean for i in range(len(typed))) else None
    if len(typed) == len(clean) - 1:
        return "delete" if any(clean[:i] + clean[i + 1:] == typed for i in range(len(clean))) else None
    if len(typed) != len(clean):
        return None
    diff = [i for i, (a, b) in enumerate(zip(clean, typed, strict=True)) if a != b]
    if len(diff) == 1:
        return "substitute"
    if len(diff) == 2 and diff[1] == diff[0] + 1 and clean[diff[0]] == typed[diff[1]] and clean[diff[1]] == typed[
            diff[0]]:
        return "transpose"
    return None
