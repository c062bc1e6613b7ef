"""Clean copies with ``Corruption.none()``, customer sources without identifiers, and both as loaders read them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from loaders.readers import read_rows
from loaders.rejects import RejectLog
from loaders.run import SOURCE_KINDS, plan
from loaders.validation import validate
from synthetic import generate
from synthetic.corruption import Corruption
from tests.synthetic.readback import SOURCES, Generation, e164, read_csv, read_generation

PERSON_FIELDS = {"first_name", "last_name", "birth_date", "street", "house_number", "postcode", "city", "country"}
IDENTIFIER_COLUMNS = {"email", "phone", "mobile", "customer_number", "customer_no", "national_number", "card_number"}


@dataclass(frozen=True)
class Loaded:
    """One customer source through the loader's read and validate steps (no store needed)."""

    accepted: int
    rejected: int
    dropped: int
    identifiers: int


def _validated(out: Path, rejects: Path) -> dict[str, Loaded]:
    loaded = {}
    for path, mapping in plan([out]):
        if mapping.source.kind != "customers":
            continue
        log = RejectLog(rejects / f"{mapping.source.name}.jsonl")
        model = SOURCE_KINDS["customers"].model
        accepted = list(validate(read_rows(path, mapping), mapping, model, path, log))
        log.close()
        loaded[mapping.source.name] = Loaded(len(accepted), log.records, log.values,
                                             sum(len(a.record.identifiers()) for a in accepted))
    return loaded


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Generation:
    out = tmp_path_factory.mktemp("clean")
    generate(1_000, out, seed=6, corruption=Corruption.none())
    return read_generation(out)


def test_no_corruption_writes_every_record_as_its_person_in_the_source_formats(clean: Generation) -> None:
    for record in clean.records:
        person = clean.person(record)
        assert (record["first_name"], record["last_name"], record["country"]) == (
            person["first_name"], person["last_name"], person["country"])
        assert record["email"] in person["emails"].split()
        assert e164(record["phone"], person["country"]) == person["phone"]
        for part in ("street", "house_number", "postcode", "city"):
            assert record[part] in ("", person[part]) and (record[part] or record.source != "crm"), part
        if record.source in ("crm", "webshop"):
            born = record.birth_date()
            assert born is not None and born.isoformat() == person["birth_date"]
        assert record["customer_number"] in ("", person["customer_number"])
        assert record["national_id"].replace(" ", "") in ("", person["national_id"])
    assert all(record["postcode"] and record["city"] for record in clean.records)


def test_no_corruption_shares_nothing_and_writes_everyone_once_per_source(clean: Generation) -> None:
    for source in SOURCES:
        people = [r.person_id for r in clean.of(source)]
        assert len(people) == len(set(people)), source
    emails = [e for p in clean.people.values() for e in p["emails"].split()]
    phones = [p["phone"] for p in clean.people.values()]
    assert len(emails) == len(set(emails)) and len(phones) == len(set(phones))
    assert not any(p["previous_postcode"] for p in clean.people.values())


def test_no_corruption_loads_without_a_single_refusal(clean: Generation, tmp_path: Path) -> None:
    for source, loaded in _validated(clean.out, tmp_path).items():
        assert (loaded.rejected, loaded.dropped) == (0, 0), source
        assert loaded.accepted == len(clean.of(source))


def test_default_sources_load_with_few_dropped_values_and_no_refused_record(tmp_path: Path) -> None:
    generate(1_000, tmp_path / "data", seed=10)
    written = read_generation(tmp_path / "data")
    for source, loaded in _validated(tmp_path / "data", tmp_path / "rejects").items():
        assert loaded.rejected == 0 and loaded.accepted == len(written.of(source)), source
        # Junk placeholders, cut-off values and slips that break a format: about one record in twenty loses one.
        assert loaded.dropped < 0.08 * loaded.accepted, source


@pytest.fixture(scope="module")
def without(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    with_ids, without_ids = tmp_path_factory.mktemp("with"), tmp_path_factory.mktemp("without")
    generate(800, with_ids, seed=12)
    generate(800, without_ids, seed=12, identifiers=False)
    return with_ids, without_ids


def test_without_identifiers_no_identifier_column_is_written_or_mapped(without: tuple[Path, Path]) -> None:
    generation = read_generation(without[1])
    for source in SOURCES:
        assert not set(generation.headers[source]) & IDENTIFIER_COLUMNS, source
        assert set(generation.mappings[source]["columns"]) <= PERSON_FIELDS, source
    assert read_csv(without[1] / "loyalty.csv", ";")[0].keys() == {
        "member_id", "name_first", "name_last", "postcode", "city", "country", "enrolled_on"}
    assert generation.mappings["loyalty"]["source"]["id"] == "member_id"


def test_without_identifiers_the_records_are_the_same_otherwise(without: tuple[Path, Path]) -> None:
    with_ids, without_ids = (read_generation(out) for out in without)
    assert (without[0] / "truth.csv").read_bytes() == (without[1] / "truth.csv").read_bytes()
    before = {(r.source, r.source_id): {f: r[f] for f in PERSON_FIELDS} for r in with_ids.records}
    after = {(r.source, r.source_id): {f: r[f] for f in PERSON_FIELDS} for r in without_ids.records}
    assert before == after


def test_without_identifiers_the_files_load_and_carry_no_identifier(without: tuple[Path, Path],
                                                                     tmp_path: Path) -> None:
    for source, loaded in _validated(without[1], tmp_path).items():
        assert loaded.rejected == 0 and loaded.accepted > 100, source
        assert loaded.identifiers == 0, source
