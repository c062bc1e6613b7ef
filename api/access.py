"""The access policy, in two tables: which personal data each role sees, and which operations it may run.

Fields (applied where API objects are built):

- ``agent`` and ``admin`` (service staff) see everything in clear: they talk to the customer.
- ``analyst`` sees identifiers pseudonymised — a keyed hash, stable across queries so records can still be
  counted and joined, but not reversible — and no names, street or birth date; postcode, city and country
  stay, for analysis by area.
- ``marketing`` sees contact data to invite people, but never a national id.

Rules are by field name; identifiers listed as (type, value) follow the rule of the field of their type.

Operations (``OPERATIONS``, enforced by ``api.permissions``): explanations and the change history quote
personal data and changes are made by service staff, so all three are for agents and admins. Lookups and
searches follow the field table: a role may not find people by a value it may not see.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from enum import Enum
from typing import Any

from api.auth import Principal, Role


class Access(Enum):
    CLEAR = "clear"
    PSEUDONYMISED = "pseudonymised"
    HIDDEN = "hidden"


_ANALYST_PSEUDONYMISED = ("email", "phone", "customer_number", "loyalty_card", "national_id", "cookie", "device")
_ANALYST_HIDDEN = ("first_name", "last_name", "birth_date", "street", "house_number")

POLICY: dict[Role, dict[str, Access]] = {
    Role.ADMIN: {},
    Role.AGENT: {},
    Role.ANALYST: {**dict.fromkeys(_ANALYST_PSEUDONYMISED, Access.PSEUDONYMISED),
                   **dict.fromkeys(_ANALYST_HIDDEN, Access.HIDDEN)},
    Role.MARKETING: {"national_id": Access.HIDDEN},
}

SERVICE_STAFF = frozenset({Role.AGENT, Role.ADMIN})


class Operation(Enum):
    EXPLAIN = "explain"
    HISTORY = "history"
    CHANGE = "change"


@dataclass(frozen=True)
class Rule:
    roles: frozenset[Role]
    refusal: str  # what the refused caller is told, after "the <role> role may not "


OPERATIONS: dict[Operation, Rule] = {
    Operation.EXPLAIN: Rule(SERVICE_STAFF, "see explanations: they quote identifier values (agents and admins only)"),
    Operation.HISTORY: Rule(SERVICE_STAFF, "see the change history: it quotes personal data (agents and admins "
                                           "only)"),
    Operation.CHANGE: Rule(SERVICE_STAFF, "change data (agents and admins only)"),
}


def allowed(role: Role, operation: Operation) -> bool:
    return role in OPERATIONS[operation].roles


def refusal(role: Role, operation: Operation) -> str:
    return f"the {role.value} role may not {OPERATIONS[operation].refusal}"


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

    def value(self, field: str, value: Any) -> Any:
        if value is None:
            return None
        rule = self.access(field)
        if rule is Access.HIDDEN:
            return None
        if rule is Access.PSEUDONYMISED:
            return self.pseudonym(field, str(value))
        return value

    def pseudonym(self, field: str, value: str) -> str:
        digest = hmac.new(self.key, f"{field}:{value}".encode(), hashlib.sha256).hexdigest()[:20]
        return f"psn:{digest}"

    def properties(self, properties: dict[str, Any]) -> dict[str, Any]:
        return {name: self.value(name, value) for name, value in properties.items()}
