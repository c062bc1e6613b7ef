"""Email addresses and mobile numbers: built from a person's name and country, unique across households.

Uniqueness matters: two unrelated people sharing a clean email or phone would be a false link that the
ground truth does not expect. Only a household's own mailbox and number, and the deliberate junk values
(see ``noise``), are shared.
"""

from __future__ import annotations

import random
import re
import unicodedata

from synthetic.weighted import Weighted

COUNTRY_CODES: dict[str, str] = {"FR": "33", "BE": "32", "NL": "31"}

_DOMAINS: dict[str, Weighted[str]] = {
    "FR": Weighted.of({"gmail.com": 30, "orange.fr": 15, "hotmail.fr": 12, "free.fr": 10, "yahoo.fr": 8,
                       "laposte.net": 7, "sfr.fr": 6, "outlook.fr": 6, "wanadoo.fr": 3, "icloud.com": 3}),
    "BE": Weighted.of({"gmail.com": 30, "telenet.be": 18, "skynet.be": 12, "hotmail.com": 10, "outlook.com": 8,
                       "proximus.be": 6, "yahoo.com": 5, "icloud.com": 4, "live.be": 4, "scarlet.be": 3}),
    "NL": Weighted.of({"gmail.com": 30, "ziggo.nl": 12, "kpnmail.nl": 10, "hotmail.com": 12, "outlook.com": 10,
                       "live.nl": 8, "xs4all.nl": 5, "icloud.com": 5, "home.nl": 4, "planet.nl": 4}),
}
_LOCAL_PATTERNS: Weighted[str] = Weighted.of({
    "{f}.{l}": 35, "{f}{l}": 12, "{i}{l}": 12, "{f}_{l}": 5, "{f}.{l}{yy}": 10, "{l}.{f}": 5, "{f}{n}": 8,
    "{i}.{l}": 6, "{f}-{l}": 3, "{l}{i}": 4,
})
# Mobile prefixes after the country code whose every completion is a valid number of that country:
# FR 639 and 690-697 belong to overseas regions, NL 66/67/69 are not mobile ranges.
# A household's shared mailbox, as families name them in French and in Dutch.
_FAMILY_PATTERNS: dict[str, Weighted[str]] = {
    "fr": Weighted.of({"famille.{l}": 40, "famille{l}": 20, "les{l}": 20, "fam.{l}": 10, "{l}.famille": 10}),
    "nl": Weighted.of({"familie.{l}": 30, "familie{l}": 20, "fam.{l}": 25, "fam{l}": 15, "{l}thuis": 10}),
}
_MOBILE_PREFIXES: dict[str, Weighted[str]] = {
    "FR": Weighted.of({f"6{n:02d}": 1 for n in range(90) if n != 39} | {"698": 1, "699": 1}),
    "BE": Weighted.of({"46": 2, "47": 5, "48": 4, "49": 4}),
    "NL": Weighted.of({"61": 5, "62": 5, "63": 4, "64": 4, "65": 4, "68": 2}),
}
_SIGNIFICANT_DIGITS = 9  # after the country code, all three countries' mobiles have nine digits
_NOT_LETTER = re.compile(r"[^a-z-]+")


def slug(name: str) -> str:
    """ASCII, lower-case, letters and hyphens only: ``"Van der Berg"`` → ``"vanderberg"``."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    return _NOT_LETTER.sub("", folded).strip("-") or "client"


class ContactFactory:
    """Hands out emails and mobile numbers no one else has been given."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._emails: set[str] = set()
        self._phones: set[str] = set()

    def email(self, first: str, last: str, birth_year: int, country: str, avoid: str = "") -> str:
        """An address as people pick them: a name pattern at a popular domain of their country."""
        while True:
            address = f"{self._local_part(first, last, birth_year)}@{self._domain(country)}"
            if address == avoid:
                continue
            while address in self._emails:
                local, domain = address.split("@")
                address = f"{local}{self._rng.randint(1, 999)}@{domain}"
            self._emails.add(address)
            return address

    def family(self, last: str, country: str, language: str) -> str:
        """A mailbox a household shares: ``famille.dupont@orange.fr``, ``fam.dejong@ziggo.nl``."""
        local = _FAMILY_PATTERNS[language].pick(self._rng).format(l=slug(last).replace("-", ""))
        address = f"{local}@{self._domain(country)}"
        while address in self._emails:
            address = f"{local}{self._rng.randint(1, 99)}@{self._domain(country)}"
        self._emails.add(address)
        return address

    def mobile(self, country: str) -> str:
        """A new E.164 mobile number valid for ``country``."""
        while True:
            prefix = _MOBILE_PREFIXES[country].pick(self._rng)
            width = _SIGNIFICANT_DIGITS - len(prefix)
            number = f"+{COUNTRY_CODES[country]}{prefix}{self._rng.randrange(10**width):0{width}d}"
            if number not in self._phones:
                self._phones.add(number)
                return number

    def _local_part(self, first: str, last: str, birth_year: int) -> str:
        pattern = _LOCAL_PATTERNS.pick(self._rng)
        f, last_slug = slug(first), slug(last).replace("-", "")
        return pattern.format(f=f, l=last_slug, i=f[0], yy=f"{birth_year % 100:02d}",
                              n=self._rng.randint(1, 99))

    def _domain(self, country: str) -> str:
        return _DOMAINS[country].pick(self._rng)
