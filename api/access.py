"""Who sees which personal data: one table of field rules per role, applied where API objects are built.

- ``agent`` and ``admin`` (service staff) see everything in clear: they talk to the customer.
- ``analyst`` sees identifiers pseudonymised — a keyed hash, stable across queries so records can still be
  counted and joined, but not reversible — and no names, street or birth date; postcode, city and country
  stay, for analysis by area.
- ``marketing`` sees contact data to invite people, but never a national id.

Rules are by field name; identifiers listed as (type, value) follow the rule of the field of their type.
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

#: roles allowed to see how records were joined (explanations quote identifier values)
EXPLAIN_ROLES = frozenset({Role.AGENT, Role.ADMIN})
#: roles allowed to change data (service staff)
MUTATE_ROLES = frozenset({Role.AGENT, Role.ADMIN})


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
