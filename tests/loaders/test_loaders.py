"""Validation and transformation of customer rows: pure, no store."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graph import InputError
from loaders import normalise
from loaders.customers import transform
from loaders.mapping import mapping_for, read_mapping
from loaders.readers import read_rows
from loaders.records import CustomerRecord
from loaders.rejects import RejectLog
from loaders.validation import validate
from tests.helpers import HEADER, write_source


def _validate(path: Path, tmp_path: Path) -> tuple[list[Any], list[dict[str, Any]]]:
    mapping = mapping_for(path)
    rejects = RejectLog(tmp_path / "rejects.jsonl")
    accepted = list(validate(read_rows(path, mapping), mapping, CustomerRecord, path, rejects))
    rejects.close()
    entries = [json.loads(line) for line in rejects.path.read_text().splitlines()] if rejects.path.exists() else []
    return accepted, entries


@pytest.mark.parametrize(("raw", "expected"), [
    ("  Jean.Dupont@Example.COM ", "jean.dupont@example.com"),
    ("marie@bücher.de", "marie@bücher.de"),
])
def test_email_normalised(raw: str, expected: str) -> None:
    assert normalise.email(raw) == expected


@pytest.mark.parametrize("raw", ["jean.dupont@", "jean dupont@mail.fr", "@x.com", "plain"])
def test_bad_email_refused(raw: str) -> None:
    with pytest.raises(ValueError, match="not an email"):
        normalise.email(raw)


@pytest.mark.parametrize(("raw", "region", "expected"), [
    ("06 12 34 56 78", "FR", "+33612345678"),
    ("06.12.34.56.78", "FR", "+33612345678"),
    ("+33 6 12 34 56 78", None, "+33612345678"),
    ("0470 12 34 56", "BE", "+32470123456"),
    ("06-12345678", "NL", "+31612345678"),
])
def test_phone_to_e164(raw: str, region: str | None, expected: str) -> None:
    assert normalise.phone(raw, region) == expected


@pytest.mark.parametrize("raw", ["0000000000", "n/a", "12"])
def test_junk_phone_refused(raw: str) -> None:
    with pytest.raises(ValueError):
        normalise.phone(raw, "FR")


@pytest.mark.parametrize(("raw", "expected"), [
    ("DUPONT", "Dupont"), ("  jean   pierre ", "Jean Pierre"), ("VAN DER BERG", "Van der Berg"),
    ("McDonald", "McDonald"), ("marie-hélène", "Marie-Hélène"), ("He\u0301le\u0300ne", "Hélène"),
])
def test_names_recased_and_nfc(raw: str, expected: str) -> None:
    assert normalise.person_name(raw) == expected


@pytest.mark.parametrize(("raw", "country", "expected"), [
    ("1234ab", "NL", "1234 AB"), ("75001", "FR", "75001"), ("1000", "BE", "1000")])
def test_postcodes(raw: str, country: str, expected: str) -> None:
    assert normalise.postcode(raw, country) == expected


def test_postcode_of_wrong_shape_refused() -> None:
    with pytest.raises(ValueError, match="FR postcode"):
        normalise.postcode("7500", "FR")


def test_timestamps_in_a_named_zone_become_fixed_offsets() -> None:
    """Same instant and local time, but no ZoneInfo: the driver crashes CPython's zoneinfo with it."""
    summer = normalise.timestamp("05/07/2024 09:30", "%d/%m/%Y %H:%M", "Europe/Paris")
    winter = normalise.timestamp("05/01/2024 09:30", "%d/%m/%Y %H:%M", "Europe/Paris")
    assert summer.isoformat() == "2024-07-05T09:30:00+02:00"
    assert winter.isoformat() == "2024-01-05T09:30:00+01:00"
    assert not any(type(t.tzinfo).__module__.startswith("zoneinfo") for t in (summer, winter))


def test_dates_in_declared_format_and_range() -> None:
    assert normalise.calendar_date("31/12/1980", "%d/%m/%Y") == date(1980, 12, 31)
    assert normalise.calendar_date("1980-12-31", "%d/%m/%Y") == date(1980, 12, 31)
    with pytest.raises(ValueError, match="out of range"):
        normalise.calendar_date("1850-01-01", None)


@given(st.text(max_size=40))
def test_text_is_idempotent(value: str) -> None:
    once = normalise.text(value)
    assert normalise.text(once) == once


def test_good_rows_accepted_and_normalised(tmp_path: Path) -> None:
    path = write_source(tmp_path, "crm", ["1,JEAN,dupont, Jean@X.com ,06 12 34 56 78,FR,75001,cn 12"])
    accepted, rejects = _validate(path, tmp_path)
    assert rejects == []
    record = accepted[0].record
    assert (record.first_name, record.last_name, record.email, record.phone, record.customer_number) == (
        "Jean", "Dupont", "jean@x.com", "+33612345678", "CN12")


def test_bad_value_dropped_record_kept(tmp_path: Path) -> None:
    path = write_source(tmp_path, "crm", ["1,Jean,Dupont,not-an-email,06 12 34 56 78,FR,75001,"])
    accepted, rejects = _validate(path, tmp_path)
    assert len(accepted) == 1 and accepted[0].record.email is None and accepted[0].record.phone
    assert rejects == [{"file": str(path), "line": 2, "field": "email", "value": "not-an-email",
                        "reason": rejects[0]["reason"], "action": "value_dropped"}]
    assert "@-sign" in rejects[0]["reason"]


def test_missing_and_duplicate_ids_rejected_with_line(tmp_path: Path) -> None:
    path = write_source(tmp_path, "crm", ["1,A,B,a@x.com,,,,", ",C,D,c@x.com,,,,", "1,E,F,e@x.com,,,,"])
    accepted, rejects = _validate(path, tmp_path)
    assert [a.record.source_id for a in accepted] == ["1"]
    assert [(r["line"], r["field"], r["action"]) for r in rejects] == [
        (3, "source_id", "record_rejected"), (4, "source_id", "record_rejected")]
    assert "first seen at line 2" in rejects[1]["reason"]


def test_unknown_columns_kept_as_attributes(tmp_path: Path) -> None:
    path = write_source(tmp_path, "crm", ["1,A,B,a@x.com,,,,,gold"], header="id,first,last,email,phone,"
                        "country,postcode,cn,Loyalty Tier")
    accepted, _ = _validate(path, tmp_path)
    assert accepted[0].attributes == {"attr_loyalty_tier": "gold"}
    row = transform(accepted[0], mapping_for(path))
    assert row["props"]["attr_loyalty_tier"] == "gold" and row["key"] == "crm:1"
    assert row["identifier_keys"] == ["email:a@x.com"]


def test_hash_follows_content_not_position(tmp_path: Path) -> None:
    path = write_source(tmp_path, "crm", ["1,A,B,a@x.com,,,,", "2,A,B,b@x.com,,,,"])
    moved = write_source(tmp_path / "later", "crm", ["0,X,Y,,,,,", "1,A,B,a@x.com,,,,"])
    accepted, _ = _validate(path, tmp_path)
    accepted_later, _ = _validate(moved, tmp_path)
    mapping = mapping_for(path)
    first, other = transform(accepted[0], mapping), transform(accepted[1], mapping)
    again = transform(accepted_later[1], mapping)
    assert first["hash"] == again["hash"] != other["hash"]


def test_wrong_field_count_and_broken_quoting_rejected(tmp_path: Path) -> None:
    path = write_source(tmp_path, "crm", ["1,A,B,a@x.com,,,,", "2,A,B", '3,"unclosed,B,b@x.com,,,,'])
    accepted, rejects = _validate(path, tmp_path)
    assert [a.record.source_id for a in accepted] == ["1"]
    assert rejects[0]["line"] == 3 and "3 fields where the header has 8" in rejects[0]["reason"]
    assert rejects[1]["line"] == 4 and rejects[1]["action"] == "record_rejected"


def test_row_in_wrong_encoding_rejected_others_kept(tmp_path: Path) -> None:
    path = write_source(tmp_path, "crm", ["1,Jean,B,a@x.com,,,,", "2,Hélène,B,b@x.com,,,,"],
                        extra='encoding = "utf-8"')
    path.write_bytes(path.read_bytes().replace("Hélène".encode(), "Hélène".encode("latin-1")))
    accepted, rejects = _validate(path, tmp_path)
    assert [a.record.source_id for a in accepted] == ["1"]
    assert rejects[0]["line"] == 3 and "not valid utf-8" in rejects[0]["reason"]


def test_undeclared_legacy_encoding_is_detected(tmp_path: Path) -> None:
    names = ["Hélène", "Françoise", "Zoë", "Jérôme", "Chloé", "Léa"]
    path = write_source(tmp_path, "crm", [f"{i},{n},Dupré,,,,," for i, n in enumerate(names)],
                        encoding="cp1252")
    accepted, rejects = _validate(path, tmp_path)
    assert rejects == [] and [a.record.first_name for a in accepted] == names


def test_mostly_utf8_file_keeps_utf8_and_rejects_the_stray_line(tmp_path: Path) -> None:
    names = ["Hélène", "Françoise", "Zoë", "Jérôme"]
    path = write_source(tmp_path, "crm", [f"{i},{n},B,,,,," for i, n in enumerate(names)] + ["9,Chloé,B,,,,,"])
    path.write_bytes(path.read_bytes().replace("Chloé".encode(), "Chloé".encode("latin-1")))
    accepted, rejects = _validate(path, tmp_path)
    assert [a.record.first_name for a in accepted] == names
    assert [(r["line"], r["reason"]) for r in rejects] == [(6, "not valid utf-8 text")]


def test_delimiter_is_detected(tmp_path: Path) -> None:
    path = write_source(tmp_path, "crm", ["1;Jean;Dupont;j@x.com;;FR;75001;"], header=HEADER.replace(",", ";"),
                        delimiter=",")
    mapping_text = (tmp_path / "crm.toml").read_text().replace('delimiter = ","\n', "")
    (tmp_path / "crm.toml").write_text(mapping_text)
    accepted, rejects = _validate(path, tmp_path)
    assert rejects == [] and accepted[0].record.email == "j@x.com"


def test_file_that_is_not_what_its_extension_says(tmp_path: Path) -> None:
    path = write_source(tmp_path, "crm", [])
    path.write_bytes(b"PK\x03\x04" + bytes(200))
    with pytest.raises(InputError, match=r"not a CSV text file .*ZIP archive"):
        list(read_rows(path, mapping_for(path)))
    fake = tmp_path / "stores.xlsx"
    fake.write_text("id,name\n1,x\n")
    (tmp_path / "stores.toml").write_text('[source]\nname = "stores"\nkind = "stores"\nid = "id"\n')
    with pytest.raises(InputError, match=r"not an XLSX workbook .*plain text"):
        list(read_rows(fake, mapping_for(fake)))


def test_empty_file_is_an_error(tmp_path: Path) -> None:
    path = write_source(tmp_path, "crm", [])
    path.write_bytes(b"")
    with pytest.raises(InputError, match=r"crm\.csv: the file is empty"):
        list(read_rows(path, mapping_for(path)))


def test_header_only_gives_no_rows(tmp_path: Path) -> None:
    path = write_source(tmp_path, "crm", [])
    assert _validate(path, tmp_path) == ([], [])


def test_missing_column_names_it_and_the_header(tmp_path: Path) -> None:
    path = write_source(tmp_path, "crm", ["1,A"], header="id,first")
    expected = r"column\(s\) last, email, phone, country, postcode, cn .*header: id, first\)"
    with pytest.raises(InputError, match=expected):
        list(read_rows(path, mapping_for(path)))


def test_mapping_with_unknown_field_lists_valid_ones(tmp_path: Path) -> None:
    path = tmp_path / "m.toml"
    path.write_text('[source]\nname = "crm"\nkind = "customers"\nid = "id"\n[columns]\nfirstname = "f"\n')
    with pytest.raises(InputError, match=r"unknown canonical field.*firstname.*valid fields: first_name"):
        read_mapping(path)


def test_source_named_like_an_identifier_type_refused(tmp_path: Path) -> None:
    path = tmp_path / "m.toml"
    path.write_text('[source]\nname = "email"\nkind = "customers"\nid = "id"\n')
    with pytest.raises(InputError, match="identifier type"):
        read_mapping(path)


def test_jsonl_rows_and_broken_lines(tmp_path: Path) -> None:
    (tmp_path / "shop.toml").write_text('[source]\nname = "shop"\nkind = "customers"\nid = "account_id"\n'
                                        '[columns]\nemail = "email"\n')
    path = tmp_path / "shop.jsonl"
    path.write_text('{"account_id": "W1", "email": "a@x.com", "tags": ["x"]}\n{broken\n[1, 2]\n')
    accepted, rejects = _validate(path, tmp_path)
    assert accepted[0].record.email == "a@x.com" and accepted[0].attributes == {"attr_tags": '["x"]'}
    assert [(r["line"], r["reason"].split(":")[0]) for r in rejects] == [
        (2, "not valid JSON"), (3, "a JSON line must hold an object")]
