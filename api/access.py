"""The access policy, in two tables: which personal data each role sees, and which operations it may run.

Fields (``POLICY``, applied by ``Masker`` wherever the API builds an answer: GraphQL, GeoJSON, CSV, the map's
data, explanations, the audit trail):

- ``agent`` and ``admin`` (service staff) see everything in clear: they talk to the customer.
- ``analyst`` sees identifiers pseudonymised — a keyed hash, stable across queries so records can still be
  counted and joined, but not reversible — and no names, street or birth date; postcode, city and country
  stay, for analysis by area, and a home is shown at its town's centre (``location`` coarsened), no more
  precise than the city it sees anyway.
- ``marketing`` sees contact data to invite people, but never a national id.
- ``dpo`` (the data-protection officer) sees everything in clear: answering a person's request for access,
  rectification or erasure needs their data as it is held, not masked.

Rules are by field name; identifiers listed as (type, value) follow the rule of the field of their type.
Values that stand in for a field elsewhere follow its rule too: a record's key is ``SOURCE:SOURCE_ID`` and a
source's own id may be any identifier (a loyalty source is keyed by card number), so ``source_id`` is in
clear only for roles that see every identifier in clear; a web session's key holds its cookie; free text
(ticket subjects and notes, reasons) is searched for values of each kind (``TEXT``) and a kind a role may
not see in clear is replaced by ``[kind]``.

Operations (``OPERATIONS``, enforced by ``api.permissions`` in GraphQL and ``api.geojson`` on its routes):
explanations and the change history quote personal data, so they are for those who need them about one
person: service staff, and the data-protection officer, who must tell a person how their profile was made
and who changed it; changes are made by service staff only (agents and admins). Finding customers by place
would locate a home more precisely than a role coarsening ``location`` may see it, and lists people by the
hundred: not for the officer either, who works one person at a time. Invitation lists are marketing's
contact lists. A subject-access export and an erasure act on a person's rights: the officer's and the
admins'. Lookups and searches follow the field table: a role may not find people by a value it may not see
in clear. The dashboard's figures (aggregates, no person in them) are for those who follow the business:
analysts, marketing and admins.
in clear. Sending a source's rows (``POST /ingest/<source>``) is for that source's own token (the ``source``
role, bound to one source name, which may do nothing else) and for admins.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from typing import Any

from api import redaction
from api.auth import Principal, Role
from geo.gazetteer import gazetteer


class Access(Enum):
    CLEAR = "clear"
    PSEUDONYMISED = "pseudonymised"
    COARSENED = "coarsened"
    HIDDEN = "hidden"


IDENTIFIER_TYPES = ("email", "phone", "customer_number", "loyalty_card", "national_id", "cookie", "device")
_ANALYST_PSEUDONYMISED = (*IDENTIFIER_TYPES, "source_id")
_ANALYST_HIDDEN = ("first_name", "last_name", "birth_date", "street", "house_number")
PERSONAL_FIELDS = (*IDENTIFIER_TYPES, *_ANALYST_HIDDEN, "postcode", "city", "country")

POLICY: dict[Role, dict[str, Access]] = {
    Role.ADMIN: {},
    Role.AGENT: {},
    Role.ANALYST: {**dict.fromkeys(_ANALYST_PSEUDONYMISED, Access.PSEUDONYMISED),
                   **dict.fromkeys(_ANALYST_HIDDEN, Access.HIDDEN), "location": Access.COARSENED},
    Role.MARKETING: {"national_id": Access.HIDDEN, "source_id": Access.PSEUDONYMISED},
    Role.DPO: {},
    #: a sending system reads nothing (``RequireToken`` refuses it everywhere but ``/ingest``): hidden all the same
    Role.SOURCE: dict.fromkeys((*PERSONAL_FIELDS, "source_id", "location"), Access.HIDDEN),
}

#: what free text may hold, by the fields whose rule it follows: a number in a note may be a national id, a
#: card or a customer number, so it is shown only to roles that see all three
TEXT: dict[str, tuple[str, ...]] = {"email": ("email",), "phone": ("phone",), "date": ("birth_date",),
                                    "number": ("national_id", "loyalty_card", "customer_number")}
#: the fields a customer's own values may be quoted by in free text
PERSONAL = (*IDENTIFIER_TYPES, "first_name", "last_name", "birth_date", "street")

SERVICE_STAFF = frozenset({Role.AGENT, Role.ADMIN})
#: those who answer for one person's data: service staff and the data-protection officer
ONE_PERSON = SERVICE_STAFF | {Role.DPO}
RIGHTS = frozenset({Role.DPO, Role.ADMIN})


class Operation(Enum):
    EXPLAIN = "explain"
    HISTORY = "history"
    CHANGE = "change"
    MAP = "map"
    NEARBY = "nearby"
    INVITE = "invite"
    SUBJECT_ACCESS = "subject_access"
    ERASE = "erase"
    RESTRICT = "restrict"
    DASHBOARD = "dashboard"
    INGEST = "ingest"


@dataclass(frozen=True)
class Rule:
    roles: frozenset[Role]
    refusal: str  # what the refused caller is told, after "the <role> role may not "


OPERATIONS: dict[Operation, Rule] = {
    Operation.EXPLAIN: Rule(ONE_PERSON, "see explanations: they quote identifier values (agents, data-protection "
                                        "officers and admins only)"),
    Operation.HISTORY: Rule(ONE_PERSON, "see the change history: it quotes personal data (agents, data-protection "
                                        "officers and admins only)"),
    Operation.CHANGE: Rule(SERVICE_STAFF, "change data (agents and admins only)"),
    Operation.MAP: Rule(frozenset(Role) - {Role.SOURCE}, "see the map"),
    Operation.NEARBY: Rule(SERVICE_STAFF | {Role.MARKETING}, "find customers by place: a radius or a distance "
                                                             "locates a home (agents, marketing and admins only)"),
    Operation.INVITE: Rule(frozenset({Role.MARKETING, Role.ADMIN}), "make invitation lists: they are contact "
                                                                    "lists for campaigns (marketing and admins only)"),
    Operation.SUBJECT_ACCESS: Rule(RIGHTS, "export everything held about a person (data-protection officers and "
                                           "admins only)"),
    Operation.ERASE: Rule(RIGHTS, "erase a person (data-protection officers and admins only)"),
    Operation.RESTRICT: Rule(RIGHTS, "restrict a person's processing or lift a restriction (data-protection "
                                     "officers and admins only)"),
    Operation.DASHBOARD: Rule(frozenset({Role.ANALYST, Role.MARKETING, Role.ADMIN}),
                              "see the dashboard: it follows the business's figures (analysts, marketing and "
                              "admins only)"),
    Operation.INGEST: Rule(frozenset({Role.SOURCE, Role.ADMIN}), "send source rows (a source's own token, for its "
                                                                 "source only, and admins)"),
}


def allowed(role: Role, operation: Operation) -> bool:
    return role in OPERATIONS[operation].roles


def refusal(role: Role, operation: Operation) -> str:
    return f"the {role.value} role may not {OPERATIONS[operation].refusal}"


@lru_cache(maxsize=65_536)
def _town_centre(country: str | None, city: str | None) -> tuple[float, float] | None:
    """Where the gazetteer puts a town (cached: a map's 200 000 homes lie in a few thousand towns)."""
    town = gazetteer().locate(country, city)
    return (town.latitude, town.longitude) if town else None


#: free text as a role may see it
Redact = Callable[[str], str]


@dataclass(frozen=True)
class Masker:
    """Applies a role's rules to values; ``key`` makes pseudonyms unguessable without the server's secret."""

    role: Role
    key: bytes

    @classmethod
    def for_principal(cls, principal: Principal, key: str) -> Masker:
        return cls(principal.role, key.encode())

    def access(self, field: str) -> Access:
        return POLICY[self.role].get(field, Access.CLEAR)

    def clear(self, field: str) -> bool:
        return self.access(field) is Access.CLEAR

    def value(self, field: str, value: Any) -> Any:
        if value is None:
            return None
        rule = self.access(field)
        if rule is Access.PSEUDONYMISED:
            return self.pseudonym(field, str(value))
        if rule is not Access.CLEAR:
            return None
        return value

    def pseudonym(self, field: str, value: str) -> str:
        digest = hmac.new(self.key, f"{field}:{value}".encode(), hashlib.sha256).hexdigest()[:20]
        return f"psn:{digest}"

    def properties(self, properties: Mapping[str, Any]) -> dict[str, Any]:
        return {name: self.value(name, value) for name, value in properties.items()}

    def key_of(self, field: str, key: str) -> str:
        """A ``SOURCE:VALUE`` key whose value part is a ``field`` value (a record's source id, a session's
        cookie): the source stays, the value follows the field's rule — pseudonymised when not clear, as a key
        must still tell items apart."""
        if self.clear(field):
            return key
        source, colon, value = key.partition(":")
        return f"{source}:{self.pseudonym(field, value)}" if colon else self.pseudonym(field, key)

    def record_key(self, key: str) -> str:
        return self.key_of("source_id", key)

    def identifier_key(self, key: str) -> str:
        """An identifier's key, ``TYPE:VALUE``, with the value as its type's rule shows it."""
        kind, colon, value = key.partition(":")
        if not colon:
            return key
        shown = self.value(kind, value)
        return f"{kind}:{shown if shown is not None else '[' + kind + ']'}"

    def point(self, place: Mapping[str, Any]) -> tuple[float, float] | None:
        """Where a home (latitude, longitude, city, country) may be shown: its point in clear; coarsened, the
        centre of its town (the city the role sees anyway), nothing when the town is unknown; else nothing."""
        latitude, longitude = place.get("latitude"), place.get("longitude")
        if latitude is None or longitude is None:
            return None
        rule = self.access("location")
        if rule is Access.CLEAR:
            return float(latitude), float(longitude)
        if rule is Access.COARSENED:
            return _town_centre(place.get("country"), place.get("city"))
        return None

    def precision(self, place: Mapping[str, Any]) -> str:
        """The precision of the point ``point`` shows: as stored in clear, else ``city`` or ``unknown``."""
        if self.clear("location"):
            return str(place.get("precision") or "unknown")
        return "city" if self.point(place) else "unknown"

    def known(self, values: Iterable[tuple[str, Any]]) -> dict[str, set[str]]:
        """A customer's own values, by field, that this role may not see in clear: what to look for in text."""
        found: dict[str, set[str]] = {}
        for field, value in values:
            if value is not None and field in PERSONAL and not self.clear(field):
                found.setdefault(field, set()).add(str(value))
        return found

    def text(self, text: str, known: Mapping[str, Iterable[str]] | None = None, region: str | None = None) -> str:
        """Free text with every value of a kind this role may not see in clear replaced by ``[kind]``;
        ``known``: the customer's own values (``known()``), ``region``: the country national phones are
        written for."""
        hidden = {kind for kind, fields in TEXT.items() if not all(self.clear(f) for f in fields)}
        if not hidden and not known:
            return text
        return redaction.redact(text, redaction.find(text, region, known), hidden | set(known or {}))

    def texts(self, known: Mapping[str, Iterable[str]] | None = None, region: str | None = None) -> Redact:
        """``text`` for one customer's texts: their own values and country given once."""
        return lambda text: self.text(text, known, region)

