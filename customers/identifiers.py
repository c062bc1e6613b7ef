"""Identifier keys as the loaders write them, for values a person types in (a phone read out on the phone)."""

from __future__ import annotations

from loaders import normalise


def identifier_key(kind: str, value: str) -> str:
    """Normalise a typed-in identifier exactly as the loaders do, so lookups find what was loaded.

    ``ValueError`` when the value cannot be one of that kind (a phone without a country, say).
    """
    if kind == "email":
        return f"email:{normalise.email(value)}"
    if kind == "phone":
        return f"phone:{normalise.phone(value, None)}"
    if kind in ("cookie", "device"):
        return f"{kind}:{normalise.text(value)}"
    return f"{kind}:{normalise.code(value)}"
