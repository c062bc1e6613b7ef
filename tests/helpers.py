"""Small builders shared by tests: source files with their mappings."""

from __future__ import annotations

from pathlib import Path

MAPPING = """[source]
name = "{name}"
kind = "customers"
id = "id"
default_region = "FR"
delimiter = "{delimiter}"
{extra}
[columns]
first_name = "first"
last_name = "last"
email = "email"
phone = "phone"
country = "country"
postcode = "postcode"
customer_number = "cn"
"""
HEADER = "id,first,last,email,phone,country,postcode,cn"


def write_source(directory: Path, name: str, lines: list[str], header: str = HEADER,
                 delimiter: str = ",", encoding: str = "utf-8", extra: str = "") -> Path:
    """A CSV source ``name.csv`` and its mapping ``name.toml`` (``extra``: more [source] lines)."""
    directory.mkdir(parents=True, exist_ok=True)
    mapping = MAPPING.format(name=name, delimiter=delimiter, extra=extra)
    (directory / f"{name}.toml").write_text(mapping, encoding="utf-8")
    path = directory / f"{name}.csv"
    path.write_bytes(("\n".join([header, *lines]) + "\n").encode(encoding))
    return path
