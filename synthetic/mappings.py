"""The TOML mapping written beside each source file, telling the loader what its columns mean."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from synthetic.sources import ID_SCHEMES


@dataclass(frozen=True)
class MappingFile:
    """One source's ``<stem>.toml``: where its id is, how it is encoded and what its columns mean."""

    name: str
    data_file: str
    format: str
    date_format: str
    columns: dict[str, str]
    delimiter: str | None = None
    encoding: str = "utf-8"
    default_region: str = "FR"  # most people are French; a national number without country reads as FR
    kind: str = "customers"

    def to_toml(self) -> str:
        source = {"name": self.name, "kind": self.kind, "id": ID_SCHEMES[self.name].column,
                  "format": self.format, "delimiter": self.delimiter, "encoding": self.encoding,
                  "default_region": self.default_region, "date_format": self.date_format}
        lines = ["[source]", *_pairs(source), "", "[columns]", *_pairs(self.columns)]
        return "\n".join(lines) + "\n"


def _pairs(values: Mapping[str, str | None]) -> list[str]:
    """``key = "value"`` lines; a JSON string is a valid TOML basic string for these plain values."""
    return [f"{key} = {json.dumps(value)}" for key, value in values.items() if value is not None]


MAPPINGS: dict[str, MappingFile] = {
    "crm": MappingFile(
        name="crm", data_file="crm.csv", format="csv", delimiter=",", date_format="%Y-%m-%d",
        columns={"first_name": "given_name", "last_name": "family_name", "email": "email", "phone": "phone",
                 "birth_date": "birth_date", "street": "street", "house_number": "house_number",
                 "postcode": "postcode", "city": "city", "country": "country",
                 "customer_number": "customer_number"},
    ),
    "webshop": MappingFile(
        name="webshop", data_file="webshop.jsonl", format="jsonl", date_format="%d/%m/%Y",
        columns={"first_name": "first_name", "last_name": "last_name", "email": "email", "phone": "phone",
                 "birth_date": "birthday", "postcode": "zip", "city": "town", "country": "country_code",
                 "customer_number": "customer_no"},
    ),
    "loyalty": MappingFile(
        name="loyalty", data_file="loyalty.csv", format="csv", delimiter=";", date_format="%Y-%m-%d",
        columns={"loyalty_card": "card_number", "first_name": "name_first", "last_name": "name_last",
                 "email": "email", "phone": "mobile", "postcode": "postcode", "city": "city",
                 "country": "country"},
    ),
}
