"""How people of each country write one mobile number, and how each source stores it.

The same E.164 number reaches a source as ``+33612345678``, ``06 12 34 56 78`` or ``06.12.34.56.78``:
all of them read back to the same number, so a format is never a reason two records differ.
"""

from __future__ import annotations

from collections.abc import Callable

from synthetic.contact import COUNTRY_CODES
from synthetic.weighted import Weighted

# Each source has its habits: a web form stores what the phone widget produced, a till what was typed.
PHONE_STYLES: dict[str, Weighted[str]] = {
    "crm": Weighted.of({"e164": 25, "international": 15, "national": 20, "spaced": 30, "dotted": 10}),
    "webshop": Weighted.of({"e164": 55, "international": 20, "national": 15, "spaced": 10}),
    "loyalty": Weighted.of({"e164": 10, "international": 10, "national": 35, "spaced": 30, "dotted": 15}),
}


def format_phone(e164: str, country: str, style: str) -> str:
    """One E.164 mobile written the way people of ``country`` write it."""
    code = COUNTRY_CODES[country]
    return _PHONE_FORMATS[country](code, e164.removeprefix(f"+{code}"))[style]


def _fr_formats(code: str, n: str) -> dict[str, str]:
    pairs = f"{n[1:3]} {n[3:5]} {n[5:7]} {n[7:9]}"
    return {"e164": f"+{code}{n}", "international": f"+{code} {n[0]} {pairs}", "national": f"0{n}",
            "spaced": f"0{n[0]} {pairs}", "dotted": f"0{n[0]}.{pairs.replace(' ', '.')}"}


def _be_formats(code: str, n: str) -> dict[str, str]:
    rest = f"{n[3:5]} {n[5:7]} {n[7:]}"
    return {"e164": f"+{code}{n}", "international": f"+{code} {n[:3]} {rest}", "national": f"0{n}",
            "spaced": f"0{n[:3]} {rest}", "dotted": f"0{n[:3]}/{rest.replace(' ', '.')}"}


def _nl_formats(code: str, n: str) -> dict[str, str]:
    return {"e164": f"+{code}{n}", "international": f"+{code} {n[0]} {n[1:]}", "national": f"0{n}",
            "spaced": f"0{n[0]} {n[1:]}", "dotted": f"0{n[0]}-{n[1:]}"}


_PHONE_FORMATS: dict[str, Callable[[str, str], dict[str, str]]] = {
    "FR": _fr_formats, "BE": _be_formats, "NL": _nl_formats,
}
