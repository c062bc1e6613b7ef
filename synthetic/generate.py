"""Write the sources, their mappings and the ground truth for ``customers`` people into a directory."""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from synthetic.mappings import MAPPINGS
from synthetic.people import Person, build_people
from synthetic.sources import COLUMNS, Record, build_records, memberships

TRUTH_COLUMNS = ("source", "source_id", "person_id")
PEOPLE_COLUMNS = ("person_id", "first_name", "last_name", "birth_date", "country", "household_id")


@dataclass(frozen=True)
class GenerationSummary:
    """What was generated: people, records per source and every file written."""

    people: int
    records: dict[str, int]
    files: list[Path]


def generate(customers: int, out_dir: Path, seed: int = 42) -> GenerationSummary:
    """Generate ``customers`` distinct people and the noisy records three sources hold about them.

    Same ``customers`` and ``seed``, byte-identical files: every random draw comes from RNGs seeded
    here, one stream per concern so that changing one source's noise leaves the others untouched.
    """
    if customers < 1:
        raise ValueError("customers must be at least 1")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    people = build_people(customers, seed)
    members = memberships(people, random.Random(f"{seed}:memberships"))
    files: list[Path] = []
    records: dict[str, list[Record]] = {}
    for source, mapping in MAPPINGS.items():
        records[source] = build_records(source, members[source], random.Random(f"{seed}:{source}"))
        data_file = out_dir / mapping.data_file
        if mapping.format == "jsonl":
            _write_jsonl(data_file, records[source])
        else:
            _write_csv(data_file, COLUMNS[source], (r.values for r in records[source]), mapping.delimiter)
        files += [data_file, _write_text(out_dir / f"{source}.toml", mapping.to_toml())]
    files.append(_write_csv(out_dir / "truth.csv", TRUTH_COLUMNS, _truth_rows(records)))
    files.append(_write_csv(out_dir / "people.csv", PEOPLE_COLUMNS, _people_rows(people)))
    return GenerationSummary(people=len(people), records={s: len(r) for s, r in records.items()}, files=files)


def _truth_rows(records: dict[str, list[Record]]) -> Iterable[dict[str, str]]:
    for source, source_records in records.items():
        for record in source_records:
            yield {"source": source, "source_id": record.source_id, "person_id": record.person_id}


def _people_rows(people: list[Person]) -> Iterable[dict[str, str]]:
    for person in people:
        yield {"person_id": person.person_id, "first_name": person.first_name, "last_name": person.last_name,
               "birth_date": person.birth_date.isoformat(), "country": person.country,
               "household_id": person.household_id or ""}


def _write_csv(path: Path, columns: Sequence[str], rows: Iterable[Mapping[str, str | None]],
               delimiter: str | None = ",") -> Path:
    """UTF-8, header first, ``\\n`` line ends; a missing value is an empty cell."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter or ",", lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([row.get(column) or "" for column in columns] for row in rows)
    return path


def _write_jsonl(path: Path, records: list[Record]) -> Path:
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        for record in records:
            handle.write(json.dumps(record.values, ensure_ascii=False) + "\n")
    return path


def _write_text(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8", newline="\n")
    return path
