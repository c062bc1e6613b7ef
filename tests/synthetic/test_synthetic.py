"""The synthetic sources: properties of the files themselves, read back as a loader would see them."""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import phonenumbers
import pytest
from openpyxl import load_workbook

from synthetic import GenerationSummary, generate
from synthetic.lookalikes import typo
from synthetic.noise import JUNK_EMAILS, JUNK_PHONES, email_case, strip_accents
from synthetic.people import REFERENCE_DATE
from synthetic.phones import format_phone
from tests.synthetic.readback import e164 as as_e164
from tests.synthetic.readback import edit_kind

PEOPLE = 2_000
SOURCES = ("crm", "webshop", "loyalty")
DATA_FILES = {"crm": "crm.csv", "webshop": "webshop.jsonl", "loyalty": "loyalty.csv"}
CANONICAL_FIELDS = {"first_name", "last_name", "birth_date", "email", "phone", "street", "house_number",
                    "postcode", "city", "country", "customer_number", "national_id", "loyalty_card"}
# The CRM holds a national number for some contacts (mapped to national_id), between the customer number and hint.
CRM_HEADER = ["contact_id", "given_name", "family_name", "email", "phone", "birth_date", "street",
              "house_number", "postcode", "city", "country", "customer_number", "national_number", "segment_hint"]
LOYALTY_HEADER = ["card_number", "name_first", "name_last", "email", "mobile", "postcode", "city", "country",
                  "enrolled_on"]
WEBSHOP_KEYS = ["account_id", "first_name", "last_name", "email", "phone", "birthday", "zip", "town",
                "country_code", "customer_no"]
ID_PATTERNS = {"crm": r"C\d{7}", "webshop": r"W\d{8}", "loyalty": r"L\d{10}"}
POSTCODES = {"FR": r"\d{5}", "BE": r"\d{4}", "NL": r"\d{4} [A-Z]{2}"}
Row = dict[str, Any]
VALID_EMAIL = re.compile(r"^[a-z0-9._-]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}$")
EVENT_FILES = {"stores": "stores.xlsx", "transactions": "transactions.csv", "web": "web_events.jsonl",
               "tickets": "tickets.csv", "consents": "consents.csv"}
EVENT_KINDS = {"stores": "stores", "transactions": "transactions", "web": "web_events", "tickets": "tickets",
               "consents": "consents"}
EVENT_FIELDS = {
    "stores": {"name", "street", "house_number", "postcode", "city", "country", "latitude", "longitude"},
    "transactions": {"at", "amount", "currency", "store", "channel", "email", "phone", "customer_number",
                     "loyalty_card", "device", "cookie", "lines"},
    "web_events": {"at", "cookie", "device", "user_agent", "page", "email", "customer_number"},
    "tickets": {"opened_at", "closed_at", "channel", "status", "subject", "email", "phone", "customer_number"},
    "consents": {"at", "purpose", "granted", "channel", "captured_via", "proof", "email", "phone", "customer_number"},
}
EVENT_ID_PATTERNS = {"stores": r"S\d{3}", "transactions": r"T\d{9}", "web": r"E\d{10}", "tickets": r"TK\d{7}",
                     "consents": r"CO\d{8}"}
IDENTIFIER_TYPES = {"email", "phone", "loyalty_card", "customer_number", "national_id", "cookie", "device"}
# Mainland France reaches -4.8 at Brest and 8.2 in Alsace; Corsica is south of 43.
COUNTRY_BOUNDS = {"FR": ((41.3, 51.1), (-5.2, 9.6)), "BE": ((49.6, 51.4), (2.6, 6.3)),
                  "NL": ((50.8, 53.4), (3.4, 7.1))}
SIMULATED_YEARS = (datetime.fromisoformat("2023-01-01T00:00:00+01:00"),
                   datetime.fromisoformat("2025-01-01T00:00:00+01:00"))


@dataclass(frozen=True)
class Rec:
    """A record in canonical terms, with the person it really is (from truth.csv)."""

    source: str
    source_id: str
    person_id: str
    first_name: str
    last_name: str
    email: str
    phone: str
    country: str
    postcode: str


@dataclass(frozen=True)
class Generated:
    out: Path
    summary: GenerationSummary
    people: dict[str, dict[str, str]]
    rows: dict[str, list[Row]]
    truth: list[dict[str, str]]
    records: list[Rec]


def _csv(path: Path, delimiter: str = ",") -> list[Row]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


def _jsonl(path: Path) -> list[Row]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _canonical(mapping: dict[str, Any], row: Row) -> dict[str, str]:
    """The row's values under canonical names, read through the source's own mapping."""
    values = {field: row.get(column) or "" for field, column in mapping["columns"].items()}
    return values | {"source_id": str(row[mapping["source"]["id"]])}


def _read(out: Path, summary: GenerationSummary) -> Generated:
    rows: dict[str, list[Row]] = {
        "crm": list(_csv(out / "crm.csv")),
        "webshop": _jsonl(out / "webshop.jsonl"),
        "loyalty": list(_csv(out / "loyalty.csv", ";")),
    }
    truth = _csv(out / "truth.csv")
    person_of = {(t["source"], t["source_id"]): t["person_id"] for t in truth}
    records = []
    for source in SOURCES:
        mapping = tomllib.loads((out / f"{source}.toml").read_text(encoding="utf-8"))
        for row in rows[source]:
            values = _canonical(mapping, row)
            records.append(Rec(source, values["source_id"], person_of.get((source, values["source_id"]), ""),
                               values["first_name"], values["last_name"], values["email"], values["phone"],
                               values.get("country", ""), values["postcode"]))
    people = {p["person_id"]: p for p in _csv(out / "people.csv")}
    return Generated(out, summary, people, rows, truth, records)


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    out = tmp_path_factory.mktemp("synthetic")
    return _read(out, generate(PEOPLE, out, seed=42))


def _fold(value: str) -> str:
    """Case, accents and whitespace away: what is left differs only by a real typo."""
    return " ".join(strip_accents(value).casefold().split())


def _valid_email(value: str) -> str | None:
    email = value.strip().lower()
    return email if VALID_EMAIL.match(email) and email not in JUNK_EMAILS else None


def _rate(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


# -- files, ids and truth ---------------------------------------------------------------------------------
def test_summary_names_every_file_it_wrote(data: Generated) -> None:
    names = sorted(path.name for path in data.summary.files)
    assert names == sorted(["crm.csv", "crm.toml", "webshop.jsonl", "webshop.toml", "loyalty.csv",
                            "loyalty.toml", "truth.csv", "people.csv", *EVENT_FILES.values(),
                            *(f"{Path(name).stem}.toml" for name in EVENT_FILES.values()), "events_truth.csv"])
    assert all(path.exists() and path.parent == data.out for path in data.summary.files)
    assert data.summary.people == PEOPLE == len(data.people)
    customers = {source: len(data.rows[source]) for source in SOURCES}
    events = {source: len(_event_rows(data.out, source)) for source in EVENT_FILES}
    assert data.summary.records == customers | events


def test_headers_are_exactly_the_documented_columns(data: Generated) -> None:
    assert (data.out / "crm.csv").read_text(encoding="utf-8").splitlines()[0] == ",".join(CRM_HEADER)
    assert (data.out / "loyalty.csv").read_text(encoding="utf-8").splitlines()[0] == ";".join(LOYALTY_HEADER)
    for row in data.rows["webshop"]:
        keys = list(row)
        assert keys in (WEBSHOP_KEYS, WEBSHOP_KEYS[:-1])


def test_same_seed_same_bytes_other_seed_other_data(data: Generated, tmp_path: Path) -> None:
    again = generate(PEOPLE, tmp_path / "again", seed=42)
    other = generate(PEOPLE, tmp_path / "other", seed=7)
    for path in data.summary.files:
        _assert_same_content(tmp_path / "again" / path.name, path)
    assert again.records == data.summary.records
    for name in ("crm.csv", "webshop.jsonl", "loyalty.csv", "people.csv", "truth.csv", "transactions.csv",
                 "web_events.jsonl", "tickets.csv", "consents.csv", "events_truth.csv"):
        assert (tmp_path / "other" / name).read_bytes() != (data.out / name).read_bytes(), name
    assert _xlsx(tmp_path / "other" / "stores.xlsx") != _xlsx(data.out / "stores.xlsx")
    assert other.people == PEOPLE


def _assert_same_content(path: Path, expected: Path) -> None:
    """Same bytes; a workbook is compared by its cells, as a zip may legitimately differ in metadata."""
    if path.suffix == ".xlsx":
        assert _xlsx(path) == _xlsx(expected), path.name
    else:
        assert path.read_bytes() == expected.read_bytes(), path.name


def test_output_does_not_depend_on_string_hashing(tmp_path: Path) -> None:
    """Iterating a set of strings would make files differ between interpreter runs."""
    generate(300, tmp_path / "here", seed=3)
    there = str(tmp_path / "there")
    code = f"from pathlib import Path; from synthetic import generate; generate(300, Path({there!r}), seed=3)"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=Path(__file__).parents[2])
    for path in sorted((tmp_path / "here").iterdir()):
        _assert_same_content(tmp_path / "there" / path.name, path)


def test_ids_are_unique_and_well_formed_per_source(data: Generated) -> None:
    for source in SOURCES:
        ids = [r.source_id for r in data.records if r.source == source]
        assert len(ids) == len(set(ids)), source
        assert all(re.fullmatch(ID_PATTERNS[source], i) for i in ids), source


def test_crm_contact_ids_do_not_follow_person_ids(data: Generated) -> None:
    crm = [r for r in data.records if r.source == "crm"]
    in_person_order = sorted(crm, key=lambda r: r.person_id)
    assert [r.source_id for r in in_person_order] != sorted(r.source_id for r in crm)


def test_every_record_is_in_truth_and_truth_holds_nothing_else(data: Generated) -> None:
    written = {(r.source, r.source_id) for r in data.records}
    truth = [(t["source"], t["source_id"]) for t in data.truth]
    assert len(truth) == len(set(truth)) == len(written)
    assert set(truth) == written
    assert {t["person_id"] for t in data.truth} <= set(data.people)


def test_everyone_is_in_some_source_and_many_in_several(data: Generated) -> None:
    sources_of: dict[str, set[str]] = defaultdict(set)
    for record in data.records:
        sources_of[record.person_id].add(record.source)
    assert set(sources_of) == set(data.people)
    several = sum(len(s) >= 2 for s in sources_of.values())
    assert 0.45 < _rate(several, PEOPLE) < 0.75
    for source, expected in (("crm", 0.74), ("webshop", 0.64), ("loyalty", 0.53)):
        share = _rate(sum(source in s for s in sources_of.values()), PEOPLE)
        assert abs(share - expected) < 0.05, (source, share)


# -- mappings -----------------------------------------------------------------------------------------------
def test_mappings_parse_and_name_columns_that_exist(data: Generated) -> None:
    for source in SOURCES:
        mapping = tomllib.loads((data.out / f"{source}.toml").read_text(encoding="utf-8"))
        section = mapping["source"]
        assert section["name"] == source
        assert section["kind"] == "customers"
        assert section["encoding"] == "utf-8"
        assert section["default_region"] == "FR"
        columns = set().union(*(row.keys() for row in data.rows[source]))
        assert section["id"] in columns
        assert set(mapping["columns"]) <= CANONICAL_FIELDS
        assert set(mapping["columns"].values()) <= columns, source
        assert set(mapping["source"]) <= {"name", "kind", "id", "format", "delimiter", "encoding",
                                          "default_region", "date_format"}
    loyalty = tomllib.loads((data.out / "loyalty.toml").read_text(encoding="utf-8"))
    assert loyalty["source"]["id"] == loyalty["columns"]["loyalty_card"] == "card_number"
    assert loyalty["source"]["delimiter"] == ";"
    webshop = tomllib.loads((data.out / "webshop.toml").read_text(encoding="utf-8"))
    assert webshop["source"]["format"] == "jsonl" and "delimiter" not in webshop["source"]


def test_unmapped_columns_carry_extra_information(data: Generated) -> None:
    hints = Counter(str(row["segment_hint"]) for row in data.rows["crm"])
    assert hints[""] > 0 and len(hints) >= 5
    enrolled = [date.fromisoformat(str(row["enrolled_on"])) for row in data.rows["loyalty"]]
    assert all(date(2012, 1, 1) <= day <= REFERENCE_DATE for day in enrolled)


def test_dates_use_each_mapping_date_format_and_match_the_person(data: Generated) -> None:
    for source, column in (("crm", "birth_date"), ("webshop", "birthday")):
        fmt = tomllib.loads((data.out / f"{source}.toml").read_text(encoding="utf-8"))["source"]["date_format"]
        truth = {t["source_id"]: t["person_id"] for t in data.truth if t["source"] == source}
        id_column = "contact_id" if source == "crm" else "account_id"
        present = [row for row in data.rows[source] if row[column]]
        assert 0.88 < _rate(len(present), len(data.rows[source])) < 0.96
        wrong = 0
        for row in present:
            born = datetime.strptime(str(row[column]), fmt).date()
            wrong += born.isoformat() != data.people[truth[str(row[id_column])]]["birth_date"]
        # A few dates are written wrong on purpose (day and month swapped, a digit off): see test_corruption.
        assert 0 < _rate(wrong, len(present)) < 0.05
    ages = [(REFERENCE_DATE - date.fromisoformat(p["birth_date"])).days / 365.25 for p in data.people.values()]
    assert min(ages) >= 18 and max(ages) < 91


# -- people and households ------------------------------------------------------------------------------------
def test_people_have_the_documented_countries_and_shares(data: Generated) -> None:
    countries = Counter(p["country"] for p in data.people.values())
    assert set(countries) == {"FR", "BE", "NL"}
    assert 0.44 < _rate(countries["FR"], PEOPLE) < 0.56
    assert all(re.fullmatch(r"P\d{7}", pid) for pid in data.people)


def test_postcodes_look_like_their_country(data: Generated) -> None:
    """A postcode is the person's, current or before a move, or one slip away from it (which may break its form)."""
    slipped = written = 0
    for record in data.records:
        if record.postcode:
            person = data.people[record.person_id]
            written += 1
            if record.postcode in (person["postcode"], person["previous_postcode"]):
                assert re.fullmatch(POSTCODES[person["country"]], record.postcode), record
            else:
                slipped += 1
                assert any(edit_kind(clean, record.postcode) for clean in (person["postcode"],
                                                                           person["previous_postcode"]) if clean)
    assert 0 < _rate(slipped, written) < 0.06


def test_households_share_phone_address_and_mostly_last_name(data: Generated) -> None:
    members: dict[str, list[str]] = defaultdict(list)
    for person in data.people.values():
        if person["household_id"]:
            members[person["household_id"]].append(person["person_id"])
    assert 0.12 < _rate(sum(map(len, members.values())), PEOPLE) < 0.18
    assert {len(m) for m in members.values()} <= {2, 3, 4}
    same_name = sum(len({data.people[p]["last_name"] for p in m}) == 1 for m in members.values())
    assert 0.5 < _rate(same_name, len(members)) < 1
    for household in members.values():
        homes = {(data.people[p]["postcode"], data.people[p]["previous_postcode"]) for p in household}
        assert len(homes) == 1, "a household lives, and moves, together"
    phones = _valid_phones_by_person(data)
    shared = checked = 0
    for household in members.values():
        with_phone = [phones[p] for p in household if phones[p]]
        if len(with_phone) >= 2:
            checked += 1
            shared += bool(set.intersection(*with_phone))
    # Most households, not all, give one number for the home (the profile's family_phone; twins always do).
    assert checked > 20 and 0.45 < _rate(shared, checked) < 0.85


def test_unrelated_people_never_share_a_real_phone_or_email(data: Generated) -> None:
    """A household may share a mailbox and a number; strangers never share a value that is really theirs.

    Only values equal to the person's own are counted: a slip can, rarely, land on a stranger's value.
    """
    household = {pid: p["household_id"] or pid for pid, p in data.people.items()}
    owners: dict[str, set[str]] = defaultdict(set)
    for pid, phones in _valid_phones_by_person(data).items():
        for phone in phones & {data.people[pid]["phone"]}:
            owners[phone].add(household[pid])
    for record in data.records:
        if (email := _valid_email(record.email)) in data.people[record.person_id]["emails"].split():
            owners[email].add(household[record.person_id])
    assert max(len(o) for o in owners.values()) == 1


def _valid_phones_by_person(data: Generated) -> dict[str, set[str]]:
    phones: dict[str, set[str]] = defaultdict(set)
    for record in data.records:
        country = data.people[record.person_id]["country"]
        if record.phone not in JUNK_PHONES and (number := as_e164(record.phone, country)):
            phones[record.person_id].add(number)
    return phones


# -- contact values -------------------------------------------------------------------------------------------
def test_junk_values_are_shared_by_unrelated_people(data: Generated) -> None:
    household = {pid: p["household_id"] or pid for pid, p in data.people.items()}
    junk_owners: dict[str, set[str]] = defaultdict(set)
    junk_records = 0
    for record in data.records:
        junk = {record.email, record.phone} & (set(JUNK_EMAILS) | set(JUNK_PHONES))
        junk_records += bool(junk)
        for value in junk:
            junk_owners[value].add(household[record.person_id])
    assert 0.01 < _rate(junk_records, len(data.records)) < 0.035
    assert any(len(junk_owners[v]) >= 2 for v in JUNK_EMAILS)
    assert any(len(junk_owners[v]) >= 2 for v in JUNK_PHONES)


def test_some_people_have_a_second_email_used_by_another_source(data: Generated) -> None:
    emails: dict[str, set[str]] = defaultdict(set)
    for record in data.records:
        if (email := _valid_email(record.email)) in data.people[record.person_id]["emails"].split():
            emails[record.person_id].add(email)
    two = sum(len(e) == 2 for e in emails.values())
    assert 0.05 < _rate(two, PEOPLE) < 0.2
    assert max(len(e) for e in emails.values()) == 2


def test_emails_are_built_from_the_name(data: Generated) -> None:
    """A person's own addresses, that is: a household's shared mailbox is named after the family or a parent."""
    shared = Counter(email for p in data.people.values() for email in set(p["emails"].split()))
    from_name = checked = 0
    for record in data.records:
        person = data.people[record.person_id]
        if (email := _valid_email(record.email)) in person["emails"].split() and shared[email] == 1:
            first = re.sub(r"[^a-z]", "", _fold(person["first_name"]))
            checked += 1
            from_name += first in email or email.split("@")[0].startswith(first[:1])
    assert _rate(from_name, checked) > 0.95


def test_e164_phones_are_valid_for_the_person_country(data: Generated) -> None:
    """Valid numbers of the person's country, but for slipped digits (an extra or missing one breaks validity)."""
    e164 = [r for r in data.records if re.fullmatch(r"\+\d{10,12}", r.phone)]
    assert len(e164) > 300
    invalid = 0
    for record in e164:
        number = phonenumbers.parse(record.phone)
        if not phonenumbers.is_valid_number(number):
            invalid += 1
            assert edit_kind(data.people[record.person_id]["phone"], record.phone) in ("insert", "delete"), record
            continue
        assert phonenumbers.region_code_for_number(number) == data.people[record.person_id]["country"]
    assert _rate(invalid, len(e164)) < 0.03


def test_phones_come_in_every_format(data: Generated) -> None:
    styles = Counter(_phone_style(r.phone) for r in data.records if r.phone)
    for style in ("e164", "international", "national", "spaced", "dotted", "junk", "malformed"):
        assert styles[style] > 0, style
    assert _rate(styles["other"], sum(styles.values())) < 0.02  # a digit more or less, by a slip


def _phone_style(phone: str) -> str:
    if phone in JUNK_PHONES:
        return "junk"
    patterns = {"e164": r"\+\d{11}", "international": r"\+\d\d \d[\d ]+", "national": r"0\d{9}",
                "spaced": r"0\d+ [\d ]+", "dotted": r"0\d+[./-][\d.]+"}
    for style, pattern in patterns.items():
        if re.fullmatch(pattern, phone):
            return style
    return "malformed" if len(re.sub(r"\D", "", phone)) < 6 else "other"


def test_customer_numbers_are_unique_per_person(data: Generated) -> None:
    owner: dict[str, str] = {}
    numbers: dict[str, set[str]] = defaultdict(set)
    for source, field in (("crm", "customer_number"), ("webshop", "customer_no")):
        truth = {t["source_id"]: t["person_id"] for t in data.truth if t["source"] == source}
        id_column = "contact_id" if source == "crm" else "account_id"
        for row in data.rows[source]:
            if number := row.get(field):
                person = truth[str(row[id_column])]
                if number != data.people[person]["customer_number"]:  # copied with a slip: see test_corruption
                    assert edit_kind(data.people[person]["customer_number"], number), number
                    continue
                assert re.fullmatch(r"CN\d{8}", number)
                assert owner.setdefault(number, person) == person
                numbers[person].add(number)
    assert all(len(n) == 1 for n in numbers.values())
    crm_rate = _rate(sum(bool(r["customer_number"]) for r in data.rows["crm"]), len(data.rows["crm"]))
    assert 0.55 < crm_rate < 0.72
    webshop = data.rows["webshop"]
    assert any("customer_no" not in r for r in webshop) and any(r.get("customer_no", 0) is None for r in webshop)
    assert 0.28 < _rate(sum(bool(r.get("customer_no")) for r in webshop), len(webshop)) < 0.42


def test_some_crm_contacts_are_entered_twice(data: Generated) -> None:
    crm: dict[str, list[Rec]] = defaultdict(list)
    for record in data.records:
        if record.source == "crm":
            crm[record.person_id].append(record)
    twice = [records for records in crm.values() if len(records) == 2]
    assert 0.015 < _rate(len(twice), len(crm)) < 0.05 and max(map(len, crm.values())) == 2
    same_email = sum(len({r.email.strip().lower() for r in pair}) == 1 for pair in twice)
    assert _rate(same_email, len(twice)) > 0.75
    other_name = sum(len({(_fold(r.first_name), _fold(r.last_name)) for r in pair}) == 2 for pair in twice)
    assert _rate(other_name, len(twice)) > 0.5


# -- noise rates ------------------------------------------------------------------------------------------
def test_missing_values_at_about_eight_percent(data: Generated) -> None:
    for field in ("email", "phone", "postcode"):
        missing = sum(not getattr(r, field) for r in data.records)
        assert 0.05 < _rate(missing, len(data.records)) < 0.11, field
    for column in ("street", "house_number", "city"):
        missing = sum(not row[column] for row in data.rows["crm"])
        assert 0.05 < _rate(missing, len(data.rows["crm"])) < 0.11, column
    assert all(r.source_id for r in data.records)
    # Forms require names; a few records lose one anyway (the profile's name_missing).
    nameless = sum(not (r.first_name and r.last_name) for r in data.records)
    assert 0 < _rate(nameless, len(data.records)) < 0.04


def test_names_carry_typos_case_swaps_and_stray_blanks(data: Generated) -> None:
    exact = typos = swapped = upper = blanks = 0
    for record in data.records:
        person = data.people[record.person_id]
        truth = (person["first_name"], person["last_name"])
        seen = (record.first_name, record.last_name)
        folded, folded_truth = tuple(map(_fold, seen)), tuple(map(_fold, truth))
        exact += seen == truth
        swapped += folded == folded_truth[::-1] and folded != folded_truth
        typos += folded not in (folded_truth, folded_truth[::-1])
        upper += record.last_name.isupper() and not truth[1].isupper()
        blanks += any(v != v.strip() or "  " in v for v in seen)
    total = len(data.records)
    # Besides slips, nicknames, initials, birth names and particles written otherwise change a name too:
    # test_corruption measures each against its rate.
    assert 0.6 < _rate(exact, total) < 0.8
    assert 0.1 < _rate(typos, total) < 0.25
    assert 0.003 < _rate(swapped, total) < 0.025
    assert 0.06 < _rate(upper, total) < 0.16
    assert 0.01 < _rate(blanks, total) < 0.05


def test_emails_vary_in_case_and_blanks_but_not_in_address(data: Generated) -> None:
    present = [r.email for r in data.records if r.email and r.email not in JUNK_EMAILS]
    cased = sum(e.strip() != e.strip().lower() for e in present)
    padded = sum(e != e.strip() for e in present)
    malformed = sum(_valid_email(e) is None for e in present)
    assert 0.06 < _rate(cased, len(present)) < 0.14
    assert 0.01 < _rate(padded, len(present)) < 0.05
    assert malformed > 0 and _rate(malformed, len(data.records)) < 0.01


# -- noise functions ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("country", "e164"), [("FR", "+33612345678"), ("BE", "+32471234567"),
                                                ("NL", "+31612345678")])
def test_every_phone_format_reads_back_as_the_same_number(country: str, e164: str) -> None:
    formats = {style: format_phone(e164, country, style)
               for style in ("e164", "international", "national", "spaced", "dotted")}
    assert len(set(formats.values())) == 5
    assert {as_e164(value, country) for value in formats.values()} == {e164}


def test_phone_formats_look_as_people_write_them() -> None:
    assert format_phone("+33612345678", "FR", "spaced") == "06 12 34 56 78"
    assert format_phone("+33612345678", "FR", "dotted") == "06.12.34.56.78"
    assert format_phone("+33612345678", "FR", "international") == "+33 6 12 34 56 78"
    assert format_phone("+32471234567", "BE", "spaced") == "0471 23 45 67"
    assert format_phone("+31612345678", "NL", "spaced") == "06 12345678"


def test_typos_change_a_name_a_little() -> None:
    import random

    rng = random.Random(1)
    for name in ("Dupont", "Hélène", "Jo", "Van der Berg"):
        for _ in range(50):
            changed = typo(name, rng)
            assert changed != name
            assert abs(len(changed) - len(name)) <= 1
    assert strip_accents("Hélène Françoise") == "Helene Francoise"


def test_email_case_is_the_same_mailbox() -> None:
    import random

    rng = random.Random(2)
    variants = {email_case("jean.dupont@example.com", rng) for _ in range(40)}
    assert "Jean.Dupont@Example.com" in variants
    assert {v.lower() for v in variants} == {"jean.dupont@example.com"}


def test_generate_refuses_no_people(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        generate(0, tmp_path)


# -- event and reference sources ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Events:
    """The event sources read back, with the person behind each row (from events_truth.csv)."""

    data: Generated
    rows: dict[str, list[Row]]
    person_of: dict[tuple[str, str], str]
    truth: list[dict[str, str]]

    def person(self, source: str, row: Row) -> str:
        return self.person_of[(source, str(row[_mapping(self.data.out, source)["source"]["id"]]))]


@pytest.fixture(scope="module")
def events(data: Generated) -> Events:
    truth = _csv(data.out / "events_truth.csv")
    person_of = {(t["source"], t["source_id"]): t["person_id"] for t in truth}
    rows = {source: _event_rows(data.out, source) for source in EVENT_FILES}
    return Events(data, rows, person_of, truth)


def _xlsx(path: Path) -> list[Row]:
    """Rows of the stores sheet by header, formulas as their text (``data_only=False``)."""
    sheet = load_workbook(path, data_only=False)["Stores"]
    values = list(sheet.iter_rows(values_only=True))
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def _event_rows(out: Path, source: str) -> list[Row]:
    path = out / EVENT_FILES[source]
    if path.suffix == ".xlsx":
        return _xlsx(path)
    if path.suffix == ".jsonl":
        return _jsonl(path)
    return _csv(path, ";" if source == "tickets" else ",")


def _mapping(out: Path, source: str) -> dict[str, Any]:
    return tomllib.loads((out / f"{Path(EVENT_FILES[source]).stem}.toml").read_text(encoding="utf-8"))


def _instant(value: str) -> datetime | None:
    """An ISO 8601 timestamp with offset, or None for the deliberately malformed ones."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


def _is_bad_transaction(row: Row, store_ids: set[str]) -> bool:
    """A row a loader must refuse: amount, currency, timestamp or store that cannot be right."""
    try:
        amount_ok = float(row["amount"]) >= 0 and re.fullmatch(r"\d+\.\d{2}", row["amount"]) is not None
    except ValueError:
        amount_ok = False
    store_ok = not row["store_id"] or row["store_id"] in store_ids
    return not (amount_ok and row["currency"] == "EUR" and _instant(row["ts"]) and store_ok)


def _store_ids(events: Events) -> set[str]:
    return {str(row["Store ID"]) for row in events.rows["stores"]}


def test_event_counts_follow_the_intended_ratios(events: Events) -> None:
    per_person = {source: _rate(len(events.rows[source]), PEOPLE) for source in EVENT_FILES if source != "stores"}
    assert 1.8 < per_person["transactions"] < 2.2
    assert 2.7 < per_person["web"] < 3.3
    assert 0.16 < per_person["tickets"] < 0.24
    assert 0.52 < per_person["consents"] < 0.68
    assert len(events.rows["stores"]) == 20


def test_event_ids_are_unique_and_well_formed(events: Events) -> None:
    for source in EVENT_FILES:
        id_column = _mapping(events.data.out, source)["source"]["id"]
        ids = [str(row[id_column]) for row in events.rows[source]]
        assert len(ids) == len(set(ids)), source
        assert all(re.fullmatch(EVENT_ID_PATTERNS[source], i) for i in ids), source


def test_every_event_row_is_in_events_truth_and_nothing_else(events: Events) -> None:
    assert list(events.truth[0]) == ["kind", "source", "source_id", "person_id"]
    written = set()
    for source in EVENT_FILES:
        if source != "stores":
            id_column = _mapping(events.data.out, source)["source"]["id"]
            written |= {(EVENT_KINDS[source], source, str(row[id_column])) for row in events.rows[source]}
    truth = [(t["kind"], t["source"], t["source_id"]) for t in events.truth]
    assert len(truth) == len(set(truth)) and set(truth) == written
    assert {t["person_id"] for t in events.truth} <= set(events.data.people)


def test_event_mappings_parse_and_name_existing_columns(events: Events) -> None:
    for source in EVENT_FILES:
        mapping = _mapping(events.data.out, source)
        section, kind = mapping["source"], EVENT_KINDS[source]
        assert section["name"] == source and section["kind"] == kind
        assert re.fullmatch(r"[a-z][a-z0-9_-]{0,39}", source) and source not in IDENTIFIER_TYPES
        header = set().union(*(row.keys() for row in events.rows[source]))
        assert section["id"] in header, source
        assert set(mapping["columns"]) <= EVENT_FIELDS[kind], source
        assert set(mapping["columns"].values()) <= header, source
        assert set(section) <= {"name", "kind", "id", "format", "sheet", "delimiter", "encoding", "default_region",
                                "date_format", "timestamp_format", "timezone"}
    stores = _mapping(events.data.out, "stores")["source"]
    assert (stores["format"], stores["sheet"], stores["id"]) == ("xlsx", "Stores", "Store ID")
    assert "Website" not in _mapping(events.data.out, "stores")["columns"].values()
    assert _mapping(events.data.out, "consents")["columns"]["granted"] == "status"
    tickets = _mapping(events.data.out, "tickets")["source"]
    assert (tickets["delimiter"], tickets["timestamp_format"]) == (";", "%d/%m/%Y %H:%M")
    assert all("timestamp_format" not in _mapping(events.data.out, s)["source"]
               for s in ("transactions", "web", "consents"))


def test_stores_workbook_holds_plausible_stores_and_a_formula(events: Events) -> None:
    sheet = load_workbook(events.data.out / "stores.xlsx", data_only=False)
    assert sheet.sheetnames == ["Stores"]
    stores = events.rows["stores"]
    assert list(stores[0]) == ["Store ID", "Name", "Street", "No", "Postcode", "City", "Country", "Lat", "Lon",
                               "Website"]
    formulas = [row for row in stores if str(row["Website"]).startswith("=")]
    assert 1 <= len(formulas) <= 2 and all(str(row["Website"]).startswith("=HYPERLINK(") for row in formulas)
    assert all(str(row["Website"]).startswith("https://example.com/s") for row in stores if row not in formulas)
    for row in stores:
        (south, north), (west, east) = COUNTRY_BOUNDS[row["Country"]]
        assert south <= row["Lat"] <= north and west <= row["Lon"] <= east, row
        assert re.fullmatch(POSTCODES[row["Country"]], row["Postcode"]) and row["Name"].startswith("c360 ")
    countries = Counter(row["Country"] for row in stores)
    assert set(countries) == {"FR", "BE", "NL"} and countries["FR"] > max(countries["BE"], countries["NL"])
    assert len({row["Name"] for row in stores}) == len(stores)


def test_transactions_quote_existing_stores_except_the_bad_ones(events: Events) -> None:
    store_ids = _store_ids(events)
    quoted = {row["store_id"] for row in events.rows["transactions"] if row["store_id"]}
    assert quoted - store_ids == {"S999"}
    for row in events.rows["transactions"]:
        assert bool(row["store_id"]) == (row["channel"] == "store"), row


def test_bad_transactions_come_at_about_half_a_percent(events: Events) -> None:
    store_ids = _store_ids(events)
    bad = [row for row in events.rows["transactions"] if _is_bad_transaction(row, store_ids)]
    assert 0.002 < _rate(len(bad), len(events.rows["transactions"])) < 0.01
    kinds = Counter("store" if row["store_id"] == "S999" else "currency" if row["currency"] != "EUR"
                    else "ts" if not _instant(row["ts"]) else "amount" for row in bad)
    assert len(kinds) == 4 and any(row["amount"].startswith("-") for row in bad)


def test_good_transactions_are_consistent(events: Events) -> None:
    store_ids = _store_ids(events)
    good = [row for row in events.rows["transactions"] if not _is_bad_transaction(row, store_ids)]
    start, end = SIMULATED_YEARS
    for row in good:
        assert start <= (_instant(row["ts"]) or start) < end and row["channel"] in ("store", "online")
        assert 3.5 <= float(row["amount"]) <= 900
        if row["lines"]:
            lines = json.loads(row["lines"])
            assert all(set(line) == {"sku", "qty", "price"} for line in lines)
            assert sum(round(float(line["price"]) * 100) * line["qty"] for line in lines) == round(
                float(row["amount"]) * 100)
    assert 0.45 < _rate(sum(bool(row["lines"]) for row in good), len(good)) < 0.55


def test_transactions_carry_the_identifiers_of_their_person(events: Events) -> None:
    """Cards and customer numbers quoted by a purchase are the ones the customer sources hold for its person."""
    card_owner = {t["source_id"]: t["person_id"] for t in events.data.truth if t["source"] == "loyalty"}
    number_owner = {r.source_id: r.person_id for r in events.data.records if r.source == "crm"}
    numbers = {row["customer_number"]: number_owner[row["contact_id"]] for row in events.data.rows["crm"]
               if row["customer_number"]}
    rows = events.rows["transactions"]
    in_store = [row for row in rows if row["channel"] == "store" and events.person(
        "transactions", row) in card_owner.values()]
    online = [row for row in rows if row["channel"] == "online"]
    for row in rows:
        person = events.person("transactions", row)
        assert not row["card"] or card_owner[row["card"]] == person
        assert numbers.get(row["customer_no"], person) == person
        assert row["channel"] == "online" or not (row["email"] or row["device_id"])
    assert 0.6 < _rate(sum(bool(row["card"]) for row in in_store), len(in_store)) < 0.8
    assert 0.85 < _rate(sum(bool(row["email"]) for row in online), len(online)) < 0.95
    assert 0.4 < _rate(sum(bool(row["device_id"]) for row in online), len(online)) < 0.6
    assert 0.2 < _rate(sum(bool(row["customer_no"]) for row in rows), len(rows)) < 0.35


def test_purchases_per_person_vary_and_stores_are_mostly_one_or_two_near_home(events: Events) -> None:
    per_person = Counter(events.person("transactions", row) for row in events.rows["transactions"])
    assert 0.2 < 1 - _rate(len(per_person), PEOPLE) < 0.45 and max(per_person.values()) >= 10
    country = {str(row["Store ID"]): row["Country"] for row in events.rows["stores"]}
    visits: dict[str, Counter[str]] = defaultdict(Counter)
    for row in events.rows["transactions"]:
        if row["store_id"] in country:
            person = events.person("transactions", row)
            assert country[row["store_id"]] == events.data.people[person]["country"]
            visits[person][row["store_id"]] += 1
    regulars = [v for v in visits.values() if sum(v.values()) >= 5]
    top_two = sum(sum(c for _, c in v.most_common(2)) for v in regulars) / sum(sum(v.values()) for v in regulars)
    assert len(regulars) > 20 and top_two > 0.8


def test_web_events_are_sorted_and_come_in_sessions(events: Events) -> None:
    rows = events.rows["web"]
    instants = [datetime.fromisoformat(row["ts"]) for row in rows]
    assert all(at.tzinfo for at in instants) and instants == sorted(instants)
    assert list(rows[0]) == ["event_id", "ts", "cookie_id", "device_id", "ua", "url", "login_email", "customer_no"]
    gaps: list[float] = []
    seen: dict[tuple[str, str], datetime] = {}
    for row, at in zip(rows, instants, strict=True):
        key = (row["cookie_id"], events.person("web", row))
        if key in seen:
            gaps.append((at - seen[key]).total_seconds())
        seen[key] = at
    assert _rate(sum(g < 30 * 60 for g in gaps), len(gaps)) > 0.5
    assert _rate(sum(30 * 60 <= g < 6 * 3600 for g in gaps), len(gaps)) < 0.02
    assert 0.15 < _rate(sum(bool(row["login_email"]) for row in rows), len(rows)) < 0.35
    assert 0.01 < _rate(sum(bool(row["customer_no"]) for row in rows), len(rows)) < 0.08
    assert all(row["url"].startswith("/") and row["ua"].startswith("Mozilla/5.0") for row in rows)


def test_cookies_live_on_one_device_and_belong_to_one_person_but_family_tablets(events: Events) -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    devices: dict[str, set[str]] = defaultdict(set)
    for row in events.rows["web"]:
        assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", row["cookie_id"])
        assert re.fullmatch(r"D\d{8}", row["device_id"])
        owners[row["cookie_id"]].add(events.person("web", row))
        devices[row["cookie_id"]].add(row["device_id"])
    assert all(len(d) == 1 for d in devices.values())
    shared = [people for people in owners.values() if len(people) > 1]
    assert shared and all(len(people) == 2 for people in shared)
    assert 0.005 < _rate(len(shared), len(owners)) < 0.04
    for people in shared:
        households = {events.data.people[p]["household_id"] for p in people}
        assert len(households) == 1 and "" not in households
    per_person: dict[str, set[str]] = defaultdict(set)
    for cookie, people in owners.items():
        for person in people:
            per_person[person].add(cookie)
    assert max(map(len, per_person.values())) <= 3


def test_tickets_use_their_timestamp_format_and_name_someone(events: Events) -> None:
    fmt = _mapping(events.data.out, "tickets")["source"]["timestamp_format"]
    statuses: Counter[str] = Counter()
    for row in events.rows["tickets"]:
        opened = datetime.strptime(row["opened"], fmt)
        assert datetime(2023, 1, 1) <= opened < datetime(2025, 1, 1)
        assert bool(row["closed"]) == (row["status"] == "closed"), row
        assert not row["closed"] or datetime.strptime(row["closed"], fmt) > opened
        assert row["channel"] in ("phone", "email", "chat", "store") and row["subject"]
        assert row["contact_email"] or row["contact_phone"] or row["customer_no"]
        country = events.data.people[events.person("tickets", row)]["country"]
        if row["contact_phone"]:
            number = phonenumbers.parse(row["contact_phone"], "FR")
            assert phonenumbers.is_valid_number(number) and phonenumbers.region_code_for_number(number) == country
        statuses[row["status"]] += 1
    assert set(statuses) == {"open", "pending", "closed"}
    assert any(not row["contact_email"] for row in events.rows["tickets"])


def test_consents_are_withdrawn_after_grants_and_sometimes_granted_again(events: Events) -> None:
    history: dict[tuple[str, str, str], list[tuple[datetime, str]]] = defaultdict(list)
    refusals: list[tuple[str, datetime]] = []  # "no marketing at all": after the person's other marketing
    last_marketing: dict[str, datetime] = {}
    for row in events.rows["consents"]:
        assert bool(row["email"]) != bool(row["phone"]), row
        assert row["purpose"] in ("marketing_email", "marketing_sms", "profiling", "marketing")
        assert row["status"] in ("granted", "withdrawn") and row["channel"] in ("web", "store", "crm")
        assert row["proof"], row  # every choice says what proves it
        at = _instant(row["ts"])
        assert at is not None
        person = events.person("consents", row)
        if row["purpose"] == "marketing":
            assert row["status"] == "withdrawn" and row["email"], row
            refusals.append((person, at))
            continue
        if row["purpose"].startswith("marketing"):
            last_marketing[person] = max(at, last_marketing.get(person, at))
        identifier = row["email"] or re.sub(r"\D", "", row["phone"])[-9:]
        history[(person, row["purpose"], identifier)].append((at, row["status"]))
    assert refusals and all(at > last_marketing[person] for person, at in refusals)
    sequences = Counter(tuple(status for _, status in sorted(changes)) for changes in history.values())
    assert sequences[("granted", "withdrawn")] + sequences[("granted", "withdrawn", "granted")] > 20
    assert sequences[("granted", "withdrawn", "granted")] + sequences[("withdrawn", "granted")] > 0
    assert all(len(set(at for at, _ in changes)) == len(changes) for changes in history.values())
    assert all(s[i] != s[i + 1] for s in sequences for i in range(len(s) - 1))
