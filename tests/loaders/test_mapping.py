"""Source mappings: the format a file is read in, the formats handed to validation, and what a bad mapping says."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph import InputError
from loaders.mapping import mapping_for, read_mapping

CRM = '[source]\nname = "crm"\nkind = "customers"\nid = "id"\n'


def _mapping(tmp_path: Path, text: str = CRM, name: str = "crm.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("name", "fmt"), [
    ("a.csv", "csv"), ("a.TSV", "csv"), ("a.txt", "csv"), ("a.jsonl", "jsonl"), ("a.NDJSON", "jsonl"),
    ("a.xlsx", "xlsx"), ("a.xlsm", "xlsx"),
])
def test_the_format_follows_the_file_extension(tmp_path: Path, name: str, fmt: str) -> None:
    assert read_mapping(_mapping(tmp_path)).file_format(Path(name)) == fmt


def test_a_declared_format_wins_and_an_unknown_extension_asks_for_one(tmp_path: Path) -> None:
    declared = read_mapping(_mapping(tmp_path, CRM + 'format = "jsonl"\n'))
    assert declared.file_format(Path("export.csv")) == "jsonl"
    with pytest.raises(InputError, match=r"^export\.dat: cannot tell the format from '\.dat'; set \[source\]\.format$"):
        read_mapping(_mapping(tmp_path)).file_format(Path("export.dat"))


def test_the_context_carries_the_declared_formats(tmp_path: Path) -> None:
    declared = CRM + ('default_region = "BE"\ndate_format = "%d/%m/%Y"\ntimestamp_format = "%d/%m/%Y %H:%M"\n'
                      'timezone = "Europe/Brussels"\ndecimal_separator = ","\n')
    assert read_mapping(_mapping(tmp_path, declared)).context() == {
        "region": "BE", "date_format": "%d/%m/%Y", "timestamp_format": "%d/%m/%Y %H:%M",
        "timezone": "Europe/Brussels", "decimal_separator": ","}
    assert read_mapping(_mapping(tmp_path)).context() == {
        "region": None, "date_format": "%Y-%m-%d", "timestamp_format": None, "timezone": "UTC",
        "decimal_separator": "."}


@pytest.mark.parametrize(("text", "message"), [
    ('[source]\nname = "CRM"\nkind = "customers"\n',
     "source.name: lower-case letters, digits, '-' or '_', starting with a letter"),
    (CRM + 'timezone = "Mars/Olympus"\n',
     "source.timezone: unknown time zone 'Mars/Olympus' (use an IANA name such as Europe/Paris)"),
    (CRM + "[columns]\nbirthday = \"b\"\n", "unknown canonical field(s) birthday for kind customers; valid fields: "
     "first_name, last_name, birth_date, email, phone, street, house_number, address_line2, postcode, city, region, "
     "country, national_id, customer_number, loyalty_card, latitude, longitude"),
])
def test_a_bad_mapping_names_where_and_why(tmp_path: Path, text: str, message: str) -> None:
    path = _mapping(tmp_path, text)
    with pytest.raises(InputError) as refused:
        read_mapping(path)
    assert str(refused.value) == f"{path}: {message}"


def test_an_unreadable_mapping_says_so(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"crm\.toml: cannot read mapping: No such file or directory$"):
        read_mapping(tmp_path / "crm.toml")
    with pytest.raises(InputError, match=r"crm\.toml: not a valid TOML mapping: "):
        read_mapping(_mapping(tmp_path, "[source\n"))


def test_the_mapping_beside_the_file_or_the_one_named(tmp_path: Path) -> None:
    _mapping(tmp_path)
    assert mapping_for(tmp_path / "crm.csv").source.name == "crm"
    other = _mapping(tmp_path, CRM.replace('"crm"', '"shop"'), "other.toml")
    assert mapping_for(tmp_path / "crm.csv", other).source.name == "shop"
    assert mapping_for(tmp_path / "crm.csv").path == tmp_path / "crm.toml"
    with pytest.raises(InputError, match=r"loyalty\.csv: no mapping found \(expected loyalty\.toml beside it, "
                                         r"or --mapping\)$"):
        mapping_for(tmp_path / "loyalty.csv")
