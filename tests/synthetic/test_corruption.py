"""Each kind of corruption is in the files at about its profile's rate, measured against the clean person.

Rates are pooled over three seeds of the default profile (2 000 people each); the heavy profile, with
more of everything, shows every slip kind in every field. A rate passes within four standard errors.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import fields
from datetime import date
from pathlib import Path

import pytest
import stdnum.be.nn
import stdnum.fr.nir
import stdnum.nl.bsn

from synthetic import generate
from synthetic.corruption import Corruption
from synthetic.nicknames import initial, short_forms
from synthetic.noise import JUNK_EMAILS, JUNK_PHONES
from synthetic.particles import has_particle, variants
from synthetic.phones import format_phone
from synthetic.sources import CRM_NATIONAL_ID_RATE
from tests.synthetic.readback import (
    Generation,
    Written,
    assert_rate,
    digits,
    edit_kind,
    email_key,
    fold,
    is_valid_email,
    read_generation,
)

PEOPLE = 2_000
SEEDS = (1, 2, 3)
DEFAULT = Corruption.default()
HEAVY = Corruption.heavy()
VALID_NATIONAL_ID: dict[str, Callable[[str], bool]] = {
    "FR": stdnum.fr.nir.is_valid, "BE": stdnum.be.nn.is_valid, "NL": stdnum.nl.bsn.is_valid}
PHONE_STYLES = ("e164", "international", "national", "spaced", "dotted")
ADDRESS_FIELDS = ("street", "house_number", "postcode", "city")
SLIP_KINDS = {"insert", "delete", "substitute", "transpose"}


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> list[Generation]:
    sets = []
    for seed in SEEDS:
        out = tmp_path_factory.mktemp(f"default-{seed}")
        generate(PEOPLE, out, seed=seed)
        sets.append(read_generation(out))
    return sets


@pytest.fixture(scope="module")
def heavy(tmp_path_factory: pytest.TempPathFactory) -> Generation:
    out = tmp_path_factory.mktemp("heavy")
    generate(PEOPLE, out, seed=4, corruption=HEAVY)
    return read_generation(out)


def _pooled(sets: list[Generation], *sources: str) -> list[tuple[Generation, Written]]:
    return [(g, r) for g in sets for r in g.of(*(sources or ("crm", "webshop", "loyalty")))]


# -- what a clean value may legitimately become ----------------------------------------------------------
def _first_forms(person: dict[str, str]) -> set[str]:
    first = person["first_name"]
    forms = (first, *short_forms(first, person["locale"]), initial(first, True), initial(first, False))
    return {fold(v) for v in forms}


def _last_forms(person: dict[str, str]) -> set[str]:
    last, birth = person["last_name"], person["birth_name"]
    names = {last, birth, f"{last}-{birth}", f"{birth}-{last}"}
    return {fold(v) for name in names for v in (name, *variants(name))}


def _phone_forms(person: dict[str, str]) -> set[str]:
    return {format_phone(person["phone"], person["country"], style) for style in PHONE_STYLES}


def _address_values(person: dict[str, str], part: str) -> set[str]:
    return {v for v in (person[part], person[f"previous_{part}"]) if v}


def _slip_of(clean: set[str], typed: str) -> str | None:
    return next((kind for value in clean if (kind := edit_kind(value, typed))), None)


def _slips(generation: Generation, record: Written) -> dict[str, str | None]:
    """For each field holding a value other than the person's: the slip that explains it (None: not a slip)."""
    person = generation.person(record)
    found: dict[str, str | None] = {}
    first, last = fold(record["first_name"]), fold(record["last_name"])
    if first and first not in _first_forms(person) | _last_forms(person):
        found["first_name"] = _slip_of(_first_forms(person), first)
    if last and last not in _last_forms(person) | _first_forms(person):
        found["last_name"] = _slip_of(_last_forms(person), last)
    email = email_key(record["email"])
    if email and is_valid_email(email) and email not in JUNK_EMAILS and email not in person["emails"].split():
        found["email"] = _slip_of(set(person["emails"].split()), email)
    phone = record["phone"]
    if phone and phone not in JUNK_PHONES and len(digits(phone)) >= 6 and phone not in _phone_forms(person):
        found["phone"] = _slip_of(_phone_forms(person), phone)
    for name, clean in (("customer_number", person["customer_number"]), ("national_id", person["national_id"])):
        value = record[name].replace(" ", "")
        if value and value != clean:
            found[name] = edit_kind(clean, value)
    for part in ADDRESS_FIELDS:
        value = record[part]
        if value and value not in _address_values(person, part):
            found[part] = _slip_of(_address_values(person, part), value)
    return found


# -- typing slips ---------------------------------------------------------------------------------------
def test_every_field_carries_slips_of_all_four_kinds(heavy: Generation) -> None:
    kinds: dict[str, Counter[str | None]] = defaultdict(Counter)
    for record in heavy.records:
        for name, kind in _slips(heavy, record).items():
            kinds[name][kind] += 1
    for name in ("first_name", "last_name", "email", "phone", "customer_number", "national_id", *ADDRESS_FIELDS):
        assert set(kinds[name]) - {None} == SLIP_KINDS, (name, kinds[name])
        assert kinds[name][None] <= 0.05 * sum(kinds[name].values()), (name, kinds[name])


def test_identifiers_carry_slips_at_the_identifier_typo_rate(seeds: list[Generation]) -> None:
    slipped: Counter[str] = Counter()
    written: Counter[str] = Counter()
    for generation, record in _pooled(seeds):
        person, found = generation.person(record), _slips(generation, record)
        email = email_key(record["email"])
        if email and is_valid_email(email) and email not in JUNK_EMAILS:
            written["email"] += 1
            slipped["email"] += "email" in found
        if record["phone"] and record["phone"] not in JUNK_PHONES and len(digits(record["phone"])) >= 6:
            written["phone"] += 1
            slipped["phone"] += "phone" in found
        if record["customer_number"]:
            written["customer_number"] += 1
            slipped["customer_number"] += "customer_number" in found
        assert not record["customer_number"] or person["customer_number"]
    for name in ("email", "phone", "customer_number"):
        assert_rate(slipped[name], written[name], DEFAULT.identifier_typo, name)


def test_crm_national_ids_are_real_numbers_with_slips_at_the_identifier_typo_rate(seeds: list[Generation]) -> None:
    crm = [(g, r) for g, r in _pooled(seeds, "crm")]
    held = [(g, r) for g, r in crm if r["national_id"]]
    assert_rate(len(held), len(crm), CRM_NATIONAL_ID_RATE, "CRM contacts with a national id")
    broken = 0
    for generation, record in held:
        person = generation.person(record)
        number = record["national_id"].replace(" ", "")
        if not VALID_NATIONAL_ID[person["country"]](number):
            broken += 1
            assert edit_kind(person["national_id"], number), (person["national_id"], number)
        else:
            assert number == person["national_id"]
    assert_rate(broken, len(held), DEFAULT.identifier_typo, "national ids failing their check digits")
    assert any(" " in r["national_id"] for _, r in held), "French numbers are often written in groups"


def test_names_carry_slips_at_the_name_typo_rate(seeds: list[Generation]) -> None:
    """Web shop and loyalty only: a CRM contact typed twice has a slip by construction."""
    slipped: Counter[str] = Counter()
    written: Counter[str] = Counter()
    for generation, record in _pooled(seeds, "webshop", "loyalty"):
        found = _slips(generation, record)
        for name in ("first_name", "last_name"):
            if record[name]:
                written[name] += 1
                slipped[name] += name in found
    for name in ("first_name", "last_name"):
        assert_rate(slipped[name], written[name], DEFAULT.name_typo, name)


def test_addresses_carry_slips_at_the_address_typo_rate(seeds: list[Generation]) -> None:
    slipped = written = 0
    for generation, record in _pooled(seeds):
        found = _slips(generation, record)
        for part in ADDRESS_FIELDS:
            if record[part]:
                written += 1
                slipped += part in found
    assert_rate(slipped, written, DEFAULT.address_typo, "address parts")


def test_birth_dates_are_swapped_or_a_digit_off_at_their_rate(seeds: list[Generation]) -> None:
    kinds: Counter[str] = Counter()
    dated = 0
    for generation, record in _pooled(seeds, "crm", "webshop"):
        written = record.birth_date()
        if written is None:
            continue
        dated += 1
        born = date.fromisoformat(generation.person(record)["birth_date"])
        if written != born:
            kinds[_date_slip(born, written)] += 1
    assert set(kinds) == {"day_month_swap", "year_digit", "day_digit"}, kinds
    assert_rate(sum(kinds.values()), dated, DEFAULT.birth_date_error, "birth dates written wrong")


def _date_slip(born: date, written: date) -> str:
    if (written.year, written.month, written.day) == (born.year, born.day, born.month):
        return "day_month_swap"
    if (written.month, written.day) == (born.month, born.day):
        one_off = abs(written.year - born.year) == 1
        swapped = str(written.year)[:2] + str(written.year)[3] + str(written.year)[2] == str(born.year)
        assert one_off or swapped, (born, written)
        return "year_digit"
    assert (written.year, written.month) == (born.year, born.month), (born, written)
    assert sum(a != b for a, b in zip(f"{born.day:02d}", f"{written.day:02d}", strict=True)) == 1, (born, written)
    return "day_digit"


# -- missing values and names written otherwise -------------------------------------------------------------
def test_every_field_goes_missing_at_its_rate(seeds: list[Generation]) -> None:
    fields = {"street": ("crm",), "house_number": ("crm",), "postcode": ("crm", "webshop", "loyalty"),
              "city": ("crm", "webshop", "loyalty"), "birth_date": ("crm", "webshop"),
              "email": ("webshop", "loyalty"), "phone": ("crm", "webshop", "loyalty")}
    for name, sources in fields.items():
        records = [r for _, r in _pooled(seeds, *sources)]
        assert_rate(sum(not r[name] for r in records), len(records), DEFAULT.missing, name)
    everything = [r for _, r in _pooled(seeds)]
    for name in ("first_name", "last_name"):
        assert_rate(sum(not r[name] for r in everything), len(everything), DEFAULT.name_missing, name)
    assert_rate(sum(not r["country"] for r in everything), len(everything), DEFAULT.country_missing, "country")


def test_first_and_last_names_are_swapped_at_their_rate(seeds: list[Generation]) -> None:
    swapped = 0
    records = [(g, r) for g, r in _pooled(seeds) if fold(g.person(r)["first_name"]) not in _last_forms(g.person(r))]
    for generation, record in records:
        person = generation.person(record)
        swapped += fold(record["first_name"]) in _last_forms(person) and fold(record["last_name"]) in _first_forms(
            person)
    assert_rate(swapped, len(records), DEFAULT.name_swap, "names swapped", slack=0.003)


def test_nicknames_per_locale_and_initials_at_their_rates(seeds: list[Generation]) -> None:
    nicknamed = eligible = initials = plain = 0
    seen: dict[str, set[str]] = defaultdict(set)
    for generation, record in _pooled(seeds):
        person = generation.person(record)
        first = record["first_name"].strip()
        forms = short_forms(person["first_name"], person["locale"])
        if not first or fold(first) in _last_forms(person):
            continue
        if forms:
            eligible += 1
            if first in forms or first.capitalize() in forms:
                nicknamed += 1
                seen[person["locale"]].add(f"{person['first_name']} → {first}")
        else:
            plain += 1
            initials += fold(first) in {fold(initial(person["first_name"], d)) for d in (True, False)}
    assert_rate(nicknamed, eligible, DEFAULT.nickname, "short forms, of names that have one", slack=0.01)
    assert_rate(initials, plain, DEFAULT.initials, "initials", slack=0.003)
    assert set(seen) == {"fr_FR", "fr_BE", "nl_BE", "nl_NL"}, seen


def test_particles_are_written_otherwise_at_their_rate(seeds: list[Generation]) -> None:
    """Only mixed-case names are read: an all-caps or all-lower record hides how its particle was written."""
    otherwise = written = 0
    for generation, record in _pooled(seeds):
        person, last = generation.person(record), record["last_name"].strip()
        if not has_particle(person["last_name"]) or _married(person) or not last or last.isupper() or last.islower():
            continue
        if last == person["last_name"]:
            written += 1
        elif last in variants(person["last_name"]):
            written += 1
            otherwise += 1
    assert_rate(otherwise, written, DEFAULT.particle_variant, "particles written otherwise", slack=0.01)


# -- lives ------------------------------------------------------------------------------------------------
def _married(person: dict[str, str]) -> bool:
    return person["last_name"] != person["birth_name"]


def test_married_names_and_birth_names_are_one_person(seeds: list[Generation]) -> None:
    birth = double = usage = 0
    both = 0
    for generation in seeds:
        married = [p for p in generation.people.values() if _married(p)]
        assert married and all(p["household_id"] for p in married)
        assert sum(p["sex"] == "F" for p in married) > 0.8 * len(married)
        for person in married:
            seen = set()
            for record in generation.by_person.get(person["person_id"], []):
                last = fold(record["last_name"])
                if last in {fold(f) for f in (person["birth_name"], *variants(person["birth_name"]))}:
                    birth += 1
                    seen.add("birth")
                elif "-" in last and fold(person["birth_name"]) in last and fold(person["last_name"]) in last:
                    double += 1
                elif last in {fold(f) for f in (person["last_name"], *variants(person["last_name"]))}:
                    usage += 1
                    seen.add("usage")
            both += seen == {"birth", "usage"}  # the same person id, by truth.csv, under both names
    total = birth + double + usage
    assert_rate(birth, total, DEFAULT.birth_name, "records under the birth name", slack=0.02)
    assert_rate(double, total, DEFAULT.double_barrel, "double-barrelled records", slack=0.02)
    assert both >= 10


def test_movers_have_the_old_address_in_some_sources(seeds: list[Generation]) -> None:
    homes = movers = stale = addressed = split = 0
    for generation in seeds:
        units: dict[str, dict[str, str]] = {}
        for person in generation.people.values():
            units[person["household_id"] or person["person_id"]] = person
        homes += len(units)
        movers += sum(bool(p["previous_postcode"]) for p in units.values())
        for person in generation.people.values():
            if not person["previous_postcode"] or person["previous_postcode"] == person["postcode"]:
                continue  # a move within the town keeps the postcode: only the street tells
            postcodes = set()
            for record in generation.by_person.get(person["person_id"], []):
                if record["postcode"] in (person["postcode"], person["previous_postcode"]):
                    addressed += 1
                    stale += record["postcode"] == person["previous_postcode"]
                    postcodes.add(record["postcode"])
            split += len(postcodes) == 2
    assert_rate(movers, homes, DEFAULT.moved, "homes that moved")
    assert_rate(stale, addressed, DEFAULT.stale_address, "a mover's records at the old address")
    assert split >= 20, "some movers are at the old address in one source and the new one in another"


def test_twins_share_everything_but_their_first_name_and_are_two_people(seeds: list[Generation]) -> None:
    for generation in seeds:
        pairs = []
        for members in generation.households().values():
            by_day: dict[str, list[dict[str, str]]] = defaultdict(list)
            for person_id in members:
                by_day[generation.people[person_id]["birth_date"]].append(generation.people[person_id])
            pairs += [twins for twins in by_day.values() if len(twins) == 2]
        assert len(pairs) == round(PEOPLE * DEFAULT.twins / 2)
        for a, b in pairs:
            assert a["person_id"] != b["person_id"] and a["first_name"] != b["first_name"]
            assert (a["last_name"], a["street"], a["house_number"], a["postcode"], a["phone"]) == (
                b["last_name"], b["street"], b["house_number"], b["postcode"], b["phone"])
        known = [(a, b) for a, b in pairs if a["person_id"] in generation.by_person and b["person_id"] in
                 generation.by_person]
        assert known, "both twins of some pairs are in the sources, as two people in truth.csv"


def test_households_share_family_mailboxes_and_phones_at_their_rates(seeds: list[Generation]) -> None:
    households = mailbox = phone_households = phone_shared = 0
    sharing = household_records = 0
    for generation in seeds:
        for members in generation.households().values():
            people = [generation.people[m] for m in members]
            households += 1
            mailbox += len({p["emails"].split()[0] for p in people}) == 1
            birthdays = Counter(p["birth_date"] for p in people)
            if max(birthdays.values()) == 1:  # twins' homes always share their number
                phone_households += 1
                phone_shared += len({p["phone"] for p in people}) == 1
            emails = [(r.person_id, email_key(r["email"])) for m in members for r in generation.by_person.get(m, [])]
            for person_id, email in emails:
                household_records += 1
                sharing += bool(email) and any(e == email and p != person_id for p, e in emails)
    assert_rate(mailbox, households, DEFAULT.family_email, "households with one mailbox")
    assert_rate(phone_shared, phone_households, DEFAULT.family_phone, "households with one number")
    # A member gives the mailbox in most of their records; a record shares it when another member's does too.
    assert 0.5 * DEFAULT.family_email < sharing / household_records < DEFAULT.family_email


# -- profiles -----------------------------------------------------------------------------------------------
def test_heavy_profile_is_much_harder(seeds: list[Generation], heavy: Generation) -> None:
    def share(sets: list[Generation], name: str) -> float:
        records = [(g, r) for g, r in _pooled(sets, "webshop", "loyalty") if r[name]]
        return sum(name in _slips(g, r) for g, r in records) / len(records)

    for name in ("first_name", "last_name", "email", "postcode"):
        assert share([heavy], name) > 2.5 * share(seeds, name), name
    heavy_missing = sum(not r["city"] for r in heavy.records) / len(heavy.records)
    assert heavy_missing > 2.5 * DEFAULT.missing
    for name in ("name_typo", "address_typo", "identifier_typo", "missing", "birth_date_error"):
        assert 3 <= getattr(HEAVY, name) / getattr(DEFAULT, name) <= 4, name
    assert HEAVY.family_email > DEFAULT.family_email and HEAVY.name_swap > DEFAULT.name_swap


def test_seeds_give_other_files(seeds: list[Generation]) -> None:
    contents = [(g.out / "crm.csv").read_bytes() for g in seeds]
    assert len(set(contents)) == len(seeds)


def test_profiles_with_the_same_seed_give_other_records_and_same_bytes_again(tmp_path: Path) -> None:
    generate(400, tmp_path / "a", seed=9, corruption=HEAVY)
    generate(400, tmp_path / "b", seed=9, corruption=HEAVY)
    generate(400, tmp_path / "c", seed=9)
    for name in ("crm.csv", "webshop.jsonl", "loyalty.csv", "people.csv", "truth.csv", "transactions.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert (tmp_path / "a" / "crm.csv").read_bytes() != (tmp_path / "c" / "crm.csv").read_bytes()


@pytest.mark.parametrize("bad", [{"missing": -0.1}, {"name_typo": 1.5}, {"birth_name": 0.7, "double_barrel": 0.5}])
def test_a_profile_refuses_rates_that_are_not_shares(bad: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        Corruption(**bad)


def test_none_is_all_zero_and_default_is_the_documented_profile() -> None:
    assert all(value == 0 for value in vars(Corruption.none()).values())
    assert Corruption.default() == Corruption()


def test_the_documentation_lists_every_rate_of_the_three_profiles() -> None:
    page = (Path(__file__).parents[2] / "docs" / "synthetic.md").read_text(encoding="utf-8")
    rows = {match[0]: match[1:] for match in re.findall(r"^\| `(\w+)` \| ([\d.]+) \| ([\d.]+) \| ([\d.]+) \| .+ \|$",
                                                         page, re.MULTILINE)}
    profiles = (Corruption.none(), DEFAULT, HEAVY)
    assert set(rows) == {f.name for f in fields(Corruption)}
    for name, values in rows.items():
        assert tuple(float(v) for v in values) == tuple(getattr(p, name) for p in profiles), name
