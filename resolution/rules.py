"""Which identifiers may link records, and which values never may.

Phones are shared by households and devices by families: they do not link on their own. Junk values that
sources use as placeholders would glue strangers together, so they are refused outright.
"""

from __future__ import annotations

from dataclasses import dataclass, field

LINK_TYPES = ("email", "customer_number")
MAX_RECORDS_PER_VALUE = {"email": 12, "customer_number": 12}
JUNK_VALUES = (
    "email:test@test.com", "email:noemail@example.com", "email:none@none.com", "email:x@x.com",
    "email:no@email.com", "email:na@na.com", "email:test@example.com", "email:unknown@unknown.com",
)
JUNK_EMAIL_PREFIXES = ("noemail@", "no-email@", "noreply@", "no-reply@", "nomail@", "donotreply@")


@dataclass(frozen=True)
class LinkRules:
    types: tuple[str, ...] = LINK_TYPES
    max_records: dict[str, int] = field(default_factory=lambda: dict(MAX_RECORDS_PER_VALUE))
    junk_keys: tuple[str, ...] = JUNK_VALUES
    junk_prefixes: tuple[str, ...] = JUNK_EMAIL_PREFIXES

    def parameters(self) -> dict[str, object]:
        return {"types": list(self.types), "max_records": self.max_records, "junk_keys": list(self.junk_keys),
                "junk_prefixes": [f"email:{p}" for p in self.junk_prefixes]}
