"""How sources get people wrong, every rate in one place, chosen from how customer sources look.

The rates describe sources (staff typing at a counter, customers on a phone keyboard, systems that drop
accents, households sharing a mailbox), never what a matcher copes with: the generator knows nothing of
identity resolution, so quality measured on its files says something about real data.

A rate is the share of written values it applies to (a typo rate: of the emails written, how many carry
a slip) unless its comment names another base (households, people, a married person's records).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import ClassVar


@dataclass(frozen=True)
class Corruption:
    """A corruption profile: ``none()`` for clean copies, ``default()`` for realistic sources, ``heavy()``.

    Each field carries its reason beside it; ``docs/synthetic.md`` lists the three profiles side by side.
    """

    # -- typing slips: one inserted, deleted, neighbouring-key or transposed character in a value ------------------
    name_typo: float = 0.03  # per first or last name: names are typed at a counter or dictated on the phone
    address_typo: float = 0.03  # per street, house number, postcode or city: same hands, longer words
    identifier_typo: float = 0.02  # per email, phone, customer number or national id: copied digit by digit
    accent_loss: float = 0.06  # of names with accents: old systems and keyboards without dead keys drop them
    birth_date_error: float = 0.02  # of birth dates: day and month swapped, a year or day digit wrong
    # -- values never captured ----------------------------------------------------------------------------------
    missing: float = 0.08  # per optional field (contact, birth date, address part): forms leave most optional
    name_missing: float = 0.01  # per first or last name: forms require names, a few imports lose them anyway
    country_missing: float = 0.03  # systems default the country, so it is lost less often than the rest
    # -- a name written another way -----------------------------------------------------------------------------
    name_swap: float = 0.01  # of records: first and last name typed into each other's field
    initials: float = 0.02  # of first names: "J." or "J" where the form or the clerk was in a hurry
    nickname: float = 0.15  # of first names with a known short form: people sign up as "Hans", not "Johannes"
    particle_variant: float = 0.25  # of last names with a particle: "van der Berg", "Vanderberg", "Berg, van der"
    # -- case and blanks (same value once normalised) -----------------------------------------------------------
    upper_last_name: float = 0.08  # of records: "DUPONT", the French administrative habit
    lower_names: float = 0.03  # of records: typed in a hurry on a phone
    upper_names: float = 0.02  # of records: caps lock, or a legacy system's export
    whitespace: float = 0.03  # of records: a stray blank before, after or inside a name
    email_case: float = 0.10  # of emails: "Jean.Dupont@Gmail.com" as phone keyboards capitalise
    email_spaces: float = 0.03  # of emails: blanks pasted around the address
    # -- placeholders ----------------------------------------------------------------------------------------------
    junk: float = 0.02  # of records: "test@test.com", "0000000000" typed to get past a mandatory field
    malformed: float = 0.005  # of records: a cut-off email or phone no validator accepts
    # -- people's lives -------------------------------------------------------------------------------------------
    birth_name: float = 0.25  # of the records of someone using their partner's name: the birth name instead
    double_barrel: float = 0.08  # of those records: "Martin-Dubois", both names joined
    moved: float = 0.12  # of homes (one person or a household): about one home in ten moves each year
    stale_address: float = 0.4  # of a mover's records: still the old address, as nobody told that source
    twins: float = 0.01  # of people: living with their twin; 3 % are born a twin, young adults share a home
    family_email: float = 0.30  # of households: one mailbox ("famille.dupont@", or a parent's) for several members
    family_phone: float = 0.60  # of households: one number for the home (twins' always), given by every member
    crm_duplicate: float = 0.03  # of CRM contacts: typed in again later by another agent

    _CASES: ClassVar[tuple[str, ...]] = ("upper_last_name", "lower_names", "upper_names")

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{field.name} is a share between 0 and 1, not {value}")
        if sum(getattr(self, name) for name in self._CASES) > 1 or self.birth_name + self.double_barrel > 1:
            raise ValueError("rates drawn from one roll must not add up to more than 1")

    @classmethod
    def none(cls) -> Corruption:
        """Clean copies: every source writes the person exactly, in its own formats, and nobody shares a value."""
        return cls(**{field.name: 0.0 for field in fields(cls)})

    @classmethod
    def default(cls) -> Corruption:
        """Sources as a retailer's CRM, web shop and loyalty desk really hold them."""
        return cls()

    @classmethod
    def heavy(cls) -> Corruption:
        """A neglected estate: three to four times the slips and gaps, more swaps, shared mailboxes and moves."""
        return replace(
            cls(),
            name_typo=0.10, address_typo=0.10, identifier_typo=0.07, accent_loss=0.20, birth_date_error=0.07,
            missing=0.25, name_missing=0.03, country_missing=0.10, name_swap=0.04, initials=0.06, nickname=0.35,
            particle_variant=0.5, whitespace=0.08, junk=0.05, malformed=0.015, birth_name=0.4, double_barrel=0.15,
            moved=0.25, stale_address=0.5, twins=0.03, family_email=0.55, family_phone=0.8, crm_duplicate=0.08,
        )
