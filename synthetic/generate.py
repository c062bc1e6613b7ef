"""Write the sources, their mappings and the ground truth for ``customers`` people into a directory."""

from __future__ import annotations

import gc
import random
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from synthetic.corruption import Corruption
from synthetic.events import generate_events
from synthetic.files import write_csv, write_jsonl, write_text
from synthetic.mappings import MAPPINGS, MappingFile
from synthetic.people import Address, Person, build_people
from synthetic.sources import COLUMNS, Record, build_records, memberships

TRUTH_COLUMNS = ("source", "source_id", "person_id")
# Every person as they are: what each record would say with no corruption at all.
PEOPLE_COLUMNS = ("person_id", "first_name", "last_name", "birth_name", "sex", "birth_date", "locale", "country",
                  "household_id", "emails", "phone", "national_id", "customer_number", "street", "house_number",
                  "postcode", "city", "previous_street", "previous_house_number", "previous_postcode",
                  "previous_city")


@dataclass(frozen=True)
class GenerationSummary:
    """What was generated: people, records per source and every file written."""

    people: int
    records: dict[str, int]
    files: list[Path]


def generate(customers: int, out_dir: Path, seed: int = 42, corruption: Corruption | None = None,
             identifiers: bool = True) -> GenerationSummary:
    """Generate ``customers`` distinct people, the noisy records three sources hold about them and what they do.

    Same arguments, byte-identical files: every random draw comes from RNGs seeded here, one stream per
    concern so that changing one source's noise leaves the others untouched. ``corruption`` is how sources
    get people wrong (``None``: ``Corruption.default()``); ``identifiers=False`` writes the customer sources
    without any identifier column, the same records otherwise, so only names, birth dates and addresses link.
    """
    if customers < 1:
        raise ValueError("customers must be at least 1")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with _no_cycle_collection():
        return _generate(customers, out_dir, seed, corruption or Corruption.default(), identifiers)


def _generate(customers: int, out_dir: Path, seed: int, corruption: Corruption,
              identifiers: bool) -> GenerationSummary:
    people = build_people(customers, seed, corruption)
    members = memberships(people, random.Random(f"{seed}:memberships"))
    files: list[Path] = []
    records: dict[str, list[Record]] = {}
    for source, mapping in MAPPINGS.items():
        records[source] = build_records(source, members[source], random.Random(f"{seed}:{source}"), corruption)
        files += _write_customers(out_dir, mapping, records[source], identifiers)
    files.append(write_csv(out_dir / "truth.csv", TRUTH_COLUMNS, _truth_rows(records)))
    files.append(write_csv(out_dir / "people.csv", PEOPLE_COLUMNS, _people_rows(people)))
    counts = {s: len(r) for s, r in records.items()}
    event_counts, event_files = generate_events(people, records["loyalty"], out_dir, seed)
    return GenerationSummary(people=len(people), records=counts | event_counts, files=files + event_files)


def _write_customers(out_dir: Path, full: MappingFile, records: list[Record], identifiers: bool) -> list[Path]:
    """A customer source's data file and mapping; without identifiers, their columns are never written."""
    mapping = full if identifiers else full.without_identifiers()
    dropped = set(full.columns.values()) - set(mapping.columns.values()) - {full.id_source_column}
    renamed = {full.id_source_column: mapping.id_source_column}
    columns = [renamed.get(c, c) for c in COLUMNS[full.name] if c not in dropped]
    rows: Iterable[dict[str, str | None]] = (r.values for r in records)
    if not identifiers:
        rows = ({renamed.get(k, k): v for k, v in r.values.items() if k not in dropped} for r in records)
    data_file = out_dir / mapping.data_file
    if mapping.format == "jsonl":
        write_jsonl(data_file, rows)
    else:
        write_csv(data_file, columns, rows, mapping.delimiter)
    return [data_file, write_text(out_dir / f"{full.name}.toml", mapping.to_toml())]


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Millions of acyclic rows are built: the cyclic collector would rescan them again and again for nothing.

    At 100 000 people that rescanning was a third of the run time; reference counting still frees everything.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _truth_rows(records: dict[str, list[Record]]) -> Iterable[dict[str, str]]:
    for source, source_records in records.items():
        for record in source_records:
            yield {"source": source, "source_id": record.source_id, "person_id": record.person_id}


def _people_rows(people: list[Person]) -> Iterable[dict[str, str]]:
    for person in people:
        yield {"person_id": person.person_id, "first_name": person.first_name, "last_name": person.last_name,
               "birth_name": person.birth_name, "sex": person.sex, "birth_date": person.birth_date.isoformat(),
               "locale": person.locale, "country": person.country, "household_id": person.household_id or "",
               "emails": " ".join(person.emails), "phone": person.phone, "national_id": person.national_id,
               "customer_number": person.customer_number or "", **_address_columns("", person.address),
               **_address_columns("previous_", person.previous_address)}


def _address_columns(prefix: str, address: Address | None) -> dict[str, str]:
    if address is None:
        return {f"{prefix}{part}": "" for part in ("street", "house_number", "postcode", "city")}
    return {f"{prefix}street": address.street, f"{prefix}house_number": address.house_number,
            f"{prefix}postcode": address.postcode, f"{prefix}city": address.city}
