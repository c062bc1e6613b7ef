"""Every role, every personal field, every identifier type: what the role sees, cell by cell.

The expected form of each cell comes from ``ROLE_TABLE`` below, written out from the role table of
docs/api.md ("Roles and personal data"), not from ``api.access``: clear (the value as held), pseudonymised
(``psn:`` and the keyed hash of the value, HMAC-SHA-256 with the signing key, worked out here) or hidden
(null, or left out of a list). Each cell is read through the real app on the store of
``tests/api/test_masking_paths.py`` — Hélène, who has every identifier type — as a customer field, in her
``identifiers``, in each of her source records (their fields, identifiers and keys), her devices and her web
sessions' keys. The schema and the policy are checked against this table, so a personal field added to
``Customer`` or ``SourceRecord``, or a field given a rule in the policy, fails here until it has a row.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import pytest

from api.access import IDENTIFIER_TYPES, POLICY, Access
from api.auth import signing_key
from api.schema import schema
from tests.api.test_masking_paths import (  # noqa: F401  (``store``: the fixture, reused)
    CARD,
    COOKIE,
    COOKIE_2,
    CRM_ID,
    CUSTOMER_NUMBER,
    DEVICE,
    EMAIL,
    NATIONAL_ID,
    NEW_EMAIL,
    PHONE,
    Store,
    store,
)
from tests.helpers import bearer

pytestmark = pytest.mark.store

ROLES = ("agent", "analyst", "marketing", "dpo", "admin")
CLEAR, PSEUDONYMISED, HIDDEN = "clear", "pseudonymised", "hidden"
_NAMES = {"agent": CLEAR, "admin": CLEAR, "analyst": HIDDEN, "marketing": CLEAR, "dpo": CLEAR}
_IDENTIFIERS = {"agent": CLEAR, "admin": CLEAR, "analyst": PSEUDONYMISED, "marketing": CLEAR, "dpo": CLEAR}
#: docs/api.md's role table, row by row: kind of value → role → how the role sees it
ROLE_TABLE: dict[str, dict[str, str]] = {
    # names, street, house number, birth date
    **dict.fromkeys(("first_name", "last_name", "street", "house_number", "birth_date"), _NAMES),
    # email, phone, customer number, loyalty card, cookie, device
    **dict.fromkeys(("email", "phone", "customer_number", "loyalty_card", "cookie", "device"), _IDENTIFIERS),
    # national id (as an identifier)
    "national_id": {"agent": CLEAR, "admin": CLEAR, "analyst": PSEUDONYMISED, "marketing": HIDDEN, "dpo": CLEAR},
    # record keys: the source id part
    "source_id": {"agent": CLEAR, "admin": CLEAR, "analyst": PSEUDONYMISED, "marketing": PSEUDONYMISED,
                  "dpo": CLEAR},
    # postcode, city, country
    **dict.fromkeys(("postcode", "city", "country"), dict.fromkeys(ROLES, CLEAR)),
}
#: policy fields whose cells are of another shape, walked elsewhere: a home's point (town centre for
#: analysts) in tests/geo/test_marketing.py and tests/api/test_masking_paths.py
ELSEWHERE = {"location"}

#: the scalar fields of a customer and of a source record, by the kind of value they hold (None: no
#: personal data)
CUSTOMER_FIELDS = {"firstName": "first_name", "lastName": "last_name", "birthDate": "birth_date", "email": "email",
                   "phone": "phone", "street": "street", "houseNumber": "house_number", "postcode": "postcode",
                   "city": "city", "country": "country", "customerNumber": "customer_number", "id": None,
                   "recordCount": None}
RECORD_FIELDS = {**CUSTOMER_FIELDS, "loyaltyCard": "loyalty_card", "sourceId": "source_id", "key": "source_id",
                 "source": None, "loadedAt": None, "loadRun": None}
del RECORD_FIELDS["recordCount"]
#: list fields of a customer holding values of one kind
CUSTOMER_LISTS = {"devices": "device"}

# Hélène's values as the fixture's sources hold them (the golden email is the one a service-desk correction set)
HELENE = {"firstName": "Hélène", "lastName": "Martin", "birthDate": "1980-02-29", "email": NEW_EMAIL,
          "phone": PHONE, "street": "Rue des Lilas", "houseNumber": "12", "postcode": "75011", "city": "Paris",
          "country": "FR", "customerNumber": CUSTOMER_NUMBER}
HELENE_IDENTIFIERS = [("customer_number", CUSTOMER_NUMBER), ("email", NEW_EMAIL), ("email", EMAIL),
                      ("loyalty_card", CARD), ("national_id", NATIONAL_ID), ("phone", PHONE)]
_BLANK_RECORD = dict.fromkeys(HELENE) | {"loyaltyCard": None}
RECORDS: dict[str, dict[str, Any]] = {  # source → (source id, fields, identifiers)
    "crm": {"sourceId": CRM_ID, "fields": HELENE | {"email": EMAIL, "loyaltyCard": None},
            "identifiers": [("national_id", NATIONAL_ID), ("customer_number", CUSTOMER_NUMBER), ("phone", PHONE),
                            ("email", EMAIL)]},
    "loyalty": {"sourceId": CARD, "fields": _BLANK_RECORD | {"firstName": "Hélène", "lastName": "Martin",
                                                             "email": EMAIL, "country": "FR", "loyaltyCard": CARD},
                "identifiers": [("loyalty_card", CARD), ("email", EMAIL)]},
    "service-desk": {"sourceId": None, "fields": _BLANK_RECORD | {"email": NEW_EMAIL, "country": "FR"},
                     "identifiers": [("email", NEW_EMAIL)]},  # its source id is her profile's id
}
#: her web sessions' keys, ``SOURCE:COOKIE:START``: the cookie's rule covers what follows the source
SESSIONS = [f"{COOKIE}:2024-05-01T10:00:00+00:00", f"{COOKIE_2}:2024-05-01T10:00:00+00:00"]

_CUSTOMER_SCALARS = " ".join(field for field, kind in CUSTOMER_FIELDS.items() if kind)
QUERY = ("query($id: ID!) { customer(id: $id) { " + _CUSTOMER_SCALARS + " devices identifiers { type value } "
         "webSessions { edges { node { key } } } records { " + " ".join(RECORD_FIELDS) + " identifiers { type value } "
         "} } }")


def _pseudonym(settings_key: str, kind: str, value: str) -> str:
    digest = hmac.new(settings_key.encode(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()[:20]
    return f"psn:{digest}"


def expected_view(role: str, key: str, helene: str) -> dict[str, Any]:
    """Hélène's profile as ``role`` must see it, cell by cell from ``ROLE_TABLE``."""

    def shown(kind: str, value: str | None) -> str | None:
        form = ROLE_TABLE[kind][role]
        if value is None or form == HIDDEN:
            return None
        return value if form == CLEAR else _pseudonym(key, kind, value)

    def listed(pairs: list[tuple[str, str]]) -> list[tuple[str, str | None]]:  # hidden: left out of the list
        return sorted((kind, shown(kind, value)) for kind, value in pairs if ROLE_TABLE[kind][role] != HIDDEN)

    view: dict[str, Any] = {f"customer.{field}": shown(CUSTOMER_FIELDS[field] or "", value)
                            for field, value in HELENE.items()}
    view["customer.devices"] = [shown("device", DEVICE)]
    view["customer.identifiers"] = listed(HELENE_IDENTIFIERS)
    view["customer.webSessions.key"] = sorted(f"weblog:{v}" if ROLE_TABLE["cookie"][role] == CLEAR else
                                              f"weblog:{_pseudonym(key, 'cookie', v)}" for v in SESSIONS)
    for source, record in RECORDS.items():
        source_id = record["sourceId"] or helene
        view[f"{source}.sourceId"] = shown("source_id", source_id)
        view[f"{source}.key"] = f"{source}:{shown('source_id', source_id)}"
        for field, value in record["fields"].items():
            view[f"{source}.{field}"] = shown(RECORD_FIELDS[field] or "", value)
        view[f"{source}.identifiers"] = listed(record["identifiers"])
    return view


def actual_view(answer: dict[str, Any]) -> dict[str, Any]:
    """The same cells read from the app's answer."""
    customer = answer["data"]["customer"]
    view: dict[str, Any] = {f"customer.{field}": customer[field] for field in HELENE}
    view["customer.devices"] = customer["devices"]
    view["customer.identifiers"] = sorted((i["type"], i["value"]) for i in customer["identifiers"])
    view["customer.webSessions.key"] = sorted(e["node"]["key"] for e in customer["webSessions"]["edges"])
    for record in customer["records"]:
        source = record["source"]
        view[f"{source}.sourceId"], view[f"{source}.key"] = record["sourceId"], record["key"]
        for field in RECORDS[source]["fields"]:
            view[f"{source}.{field}"] = record[field]
        view[f"{source}.identifiers"] = sorted((i["type"], i["value"]) for i in record["identifiers"])
    return view


@pytest.mark.parametrize("role", ROLES)
def test_what_each_role_sees_of_every_personal_value(store: Store, role: str) -> None:  # noqa: F811
    answer = store.client.post("/graphql", json={"query": QUERY, "variables": {"id": store.helene}},
                               headers=bearer(store.settings, role)).json()
    assert "errors" not in answer, answer["errors"]
    expected, actual = expected_view(role, signing_key(store.settings), store.helene), actual_view(answer)
    assert {cell: value for cell, value in actual.items() if expected.get(cell) != value} == \
        {cell: value for cell, value in expected.items() if actual.get(cell) != value}, role


def test_the_table_covers_every_personal_field_and_every_rule() -> None:
    """A new field of ``Customer`` or ``SourceRecord``, an identifier type or a field given a rule in the
    policy must be placed in this table first."""
    types = {t["name"]: t for t in schema.introspect()["__schema"]["types"]}

    def fields(name: str) -> set[str]:
        def leaf(reference: dict[str, Any]) -> str:
            while reference.get("ofType"):
                reference = reference["ofType"]
            return str(reference["kind"])
        return {f["name"] for f in types[name]["fields"] if leaf(f["type"]) == "SCALAR"}

    assert fields("Customer") == set(CUSTOMER_FIELDS) | set(CUSTOMER_LISTS)
    assert fields("SourceRecord") == set(RECORD_FIELDS)
    assert set(IDENTIFIER_TYPES) <= set(ROLE_TABLE)
    ruled = {field for rules in POLICY.values() for field in rules}
    assert ruled - ELSEWHERE <= set(ROLE_TABLE), ruled - ELSEWHERE - set(ROLE_TABLE)
    assert set(ROLES) <= {r.value for r in POLICY}
    for role, rules in POLICY.items():  # a role outside the table (a sending system's) reads none of it
        assert role.value in ROLES or all(rules.get(kind) is Access.HIDDEN for kind in ROLE_TABLE), role
    reached = {*CUSTOMER_FIELDS.values(), *RECORD_FIELDS.values(), *CUSTOMER_LISTS.values(), "cookie",
               *(kind for kind, _ in HELENE_IDENTIFIERS)} - {None}
    assert reached == set(ROLE_TABLE)  # every row is read through the app at least once
