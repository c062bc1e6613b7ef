"""Records that share no identifier at all: only names, birth dates and addresses, with the slips people make.

The hardest case for identity resolution and the one fuzzy matching exists for: each person is written
down one to three times with typos, transposed letters, swapped first and last names, lost accents,
missing fields, day and month swapped, address variants and a postcode digit off — and households living at
one address are there to tempt a matcher into merging relatives.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from synthetic.corruption import Corruption
from synthetic.noise import strip_accents
from synthetic.people import Person, build_people

SOURCE = "people"
COLUMNS = ("id", "first_name", "last_name", "birth_date", "street", "house_number", "postcode", "city", "country")
MAPPING = """[source]
name = "people"
kind = "customers"
id = "id"
date_format = "%Y-%m-%d"

[columns]
first_name = "first_name"
last_name = "last_name"
birth_date = "birth_date"
street = "street"
house_number = "house_number"
postcode = "postcode"
city = "city"
country = "country"
"""
RECORDS_PER_PERSON = (1, 2, 2, 3)
STREET_VARIANTS = {"Rue ": "R. ", "rue ": "r. ", "Avenue ": "Av. ", "avenue ": "av. ", "straat": "str.",
                   "Straße": "Str.", "strasse": "str.", "laan": "ln", "Boulevard ": "Bd "}


@dataclass(frozen=True)
class Lookalikes:
    people: int
    records: int
    path: Path
    truth: Path


def write_lookalikes(people: int, directory: Path, seed: int = 7) -> Lookalikes:
    """``lookalikes.csv`` with its mapping, and ``lookalikes_truth.csv`` (source, source_id, person_id)."""
    rng = random.Random(f"{seed}:lookalikes")
    directory.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, str]] = []
    truth: list[tuple[str, str]] = []
    # People without the profile's lives (twins, moves, shared mailboxes): these records carry none of them.
    for person in build_people(people, seed, Corruption.none()):
        for copy in range(rng.choice(RECORDS_PER_PERSON)):
            source_id = f"P{len(rows) + 1:07d}"
            rows.append({"id": source_id, **_written(person, rng, clean=copy == 0)})
            truth.append((source_id, person.person_id))
    rng.shuffle(rows)
    path = directory / "lookalikes.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    (directory / "lookalikes.toml").write_text(MAPPING, encoding="utf-8")
    truth_path = directory / "lookalikes_truth.csv"
    with open(truth_path, "w", newline="", encoding="utf-8") as handle:
        truth_writer = csv.writer(handle)
        truth_writer.writerow(("source", "source_id", "person_id"))
        truth_writer.writerows((SOURCE, source_id, person_id) for source_id, person_id in truth)
    return Lookalikes(people, len(rows), path, truth_path)


def _written(person: Person, rng: random.Random, clean: bool) -> dict[str, str]:
    """One record of ``person``; the first is written carefully, the others with the usual slips."""
    first, last = person.first_name, person.last_name
    birth = person.birth_date.isoformat()
    address = person.address
    street, postcode, city = address.street, address.postcode, address.city
    if not clean:
        if rng.random() < 0.25:
            first = typo(first, rng)
        if rng.random() < 0.25:
            last = typo(last, rng)
        if rng.random() < 0.3:
            first, last = strip_accents(first), strip_accents(last)
        if rng.random() < 0.05:
            first, last = last, first
        if rng.random() < 0.1:
            first, last = first.upper(), last.upper()
        if rng.random() < 0.06 and person.birth_date.day <= 12:
            birth = f"{birth[:4]}-{birth[8:10]}-{birth[5:7]}"
        elif rng.random() < 0.03:
            birth = _one_digit_off(birth, rng, start=5)
        if rng.random() < 0.2:
            street = _variant(street)
        if rng.random() < 0.05:
            postcode = _one_digit_off(postcode, rng)
    fields = {"first_name": first, "last_name": last, "birth_date": birth, "street": street,
              "house_number": address.house_number, "postcode": postcode, "city": city, "country": address.country}
    if not clean:
        for name in ("birth_date", "street", "house_number", "postcode", "city"):
            if rng.random() < 0.08:
                fields[name] = ""
    return fields


def typo(name: str, rng: random.Random) -> str:
    """A single slip: accents lost, two letters swapped, one dropped or one doubled."""
    stripped = strip_accents(name)
    if stripped != name and rng.random() < 0.5:
        return stripped
    if len(name) < 3:
        return name + name[-1]
    i = rng.randrange(len(name) - 1)
    kind = rng.randrange(3)
    if kind == 0 and name[i] != name[i + 1]:
        return name[:i] + name[i + 1] + name[i] + name[i + 2:]
    if kind == 1:
        return name[:i] + name[i + 1:]
    return name[:i + 1] + name[i] + name[i + 1:]


def _variant(street: str) -> str:
    for long, short in STREET_VARIANTS.items():
        if long in street:
            return street.replace(long, short, 1)
    return street.lower()


def _one_digit_off(value: str, rng: random.Random, start: int = 0) -> str:
    """One digit changed by one, where the result stays a plausible value (a month stays 01-12)."""
    positions = [i for i, ch in enumerate(value) if ch.isdigit() and i >= start]
    for i in rng.sample(positions, len(positions)):
        digit = int(value[i])
        for changed in (digit + 1, digit - 1):
            if 0 <= changed <= 9:
                candidate = value[:i] + str(changed) + value[i + 1:]
                if start == 0 or _valid_date(candidate):
                    return candidate
    return value


def _valid_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True
