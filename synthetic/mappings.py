"""The TOML mapping written beside each source file, telling the loader what its columns mean."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace

from synthetic.sources import ID_SCHEMES

# Canonical fields that link records by value; a source without them leaves matching to names, dates, addresses.
IDENTIFIER_FIELDS = ("email", "phone", "customer_number", "national_id", "loyalty_card")
RECORD_KEY_COLUMN = "member_id"  # names a source's id column when its id is no longer an identifier (a card)


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
    id_column: str | None = None  # None: the column of the source's id scheme
    sheet: str | None = None
    timestamp_format: str | None = None  # None: ISO 8601 with offset
    timezone: str | None = None  # of timestamps written without offset

    @property
    def stem(self) -> str:
        """The loader pairs ``<stem>.toml`` with the data file of the same stem."""
        return self.data_file.rsplit(".", 1)[0]

    @property
    def id_source_column(self) -> str:
        """The column holding each row's id."""
        return self.id_column or ID_SCHEMES[self.name].column

    def without_identifiers(self) -> MappingFile:
        """The same source with no identifier column; an id that was one (a loyalty card) is only a row key."""
        columns = {field: column for field, column in self.columns.items() if field not in IDENTIFIER_FIELDS}
        keeps_id = self.id_source_column in columns.values() or self.id_source_column not in self.columns.values()
        return replace(self, columns=columns, id_column=self.id_column if keeps_id else RECORD_KEY_COLUMN)

    def to_toml(self) -> str:
        source = {"name": self.name, "kind": self.kind, "id": self.id_source_column,
                  "format": self.format, "sheet": self.sheet, "delimiter": self.delimiter,
                  "encoding": self.encoding, "default_region": self.default_region,
                  "date_format": self.date_format, "timestamp_format": self.timestamp_format,
                  "timezone": self.timezone}
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
                 "customer_number": "customer_number", "national_id": "national_number"},
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

# Reference data and what people do, keyed by source name; the file stems are what the loader pairs on.
EVENT_MAPPINGS: dict[str, MappingFile] = {
    "stores": MappingFile(
        name="stores", kind="stores", data_file="stores.xlsx", format="xlsx", sheet="Stores", id_column="Store ID",
        date_format="%Y-%m-%d",
        columns={"name": "Name", "street": "Street", "house_number": "No", "postcode": "Postcode", "city": "City",
                 "country": "Country", "latitude": "Lat", "longitude": "Lon"},
    ),
    "transactions": MappingFile(
        name="transactions", kind="transactions", data_file="transactions.csv", format="csv", delimiter=",",
        id_column="txn_id", date_format="%Y-%m-%d",
        columns={"at": "ts", "amount": "amount", "currency": "currency", "store": "store_id", "channel": "channel",
                 "loyalty_card": "card", "email": "email", "customer_number": "customer_no",
                 "device": "device_id", "lines": "lines"},
    ),
    "web": MappingFile(
        name="web", kind="web_events", data_file="web_events.jsonl", format="jsonl", id_column="event_id",
        date_format="%Y-%m-%d",
        columns={"at": "ts", "cookie": "cookie_id", "device": "device_id", "user_agent": "ua", "page": "url",
                 "email": "login_email", "customer_number": "customer_no"},
    ),
    "tickets": MappingFile(
        name="tickets", kind="tickets", data_file="tickets.csv", format="csv", delimiter=";", id_column="case_no",
        date_format="%d/%m/%Y", timestamp_format="%d/%m/%Y %H:%M", timezone="Europe/Paris",
        columns={"opened_at": "opened", "closed_at": "closed", "channel": "channel", "status": "status",
                 "subject": "subject", "email": "contact_email", "phone": "contact_phone",
                 "customer_number": "customer_no"},
    ),
    "consents": MappingFile(
        name="consents", kind="consents", data_file="consents.csv", format="csv", delimiter=",",
        id_column="consent_id", date_format="%Y-%m-%d",
        columns={"at": "ts", "purpose": "purpose", "granted": "status", "captured_via": "channel",
                 "proof": "proof", "email": "email", "phone": "phone"},
    ),
}
