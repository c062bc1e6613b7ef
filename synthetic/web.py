"""Devices, cookies and the web log: how people browse the shop before and after they buy.

A cookie lives on one device and belongs to one person, except the shared family tablet: one cookie two
members of a household both browse with, each logging in with their own email. Resolution must not merge
two people because they share that cookie.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from synthetic.clock import END, MINUTE, ONLINE_HOURS, iso, moment
from synthetic.draws import activity, between, pick, poisson
from synthetic.people import Person
from synthetic.timeline import Draft
from synthetic.weighted import Weighted

WEB_COLUMNS = ("event_id", "ts", "cookie_id", "device_id", "ua", "url", "login_email", "customer_no")
SECOND_DEVICE_RATE = 0.40
SHARED_TABLET_RATE = 0.25  # of households: about 2 % of the cookies in the log
TABLET_SESSION_RATE = 0.5  # the couch tablet is where its users browse most
SESSIONS_PER_PERSON = 1.0
EXTRA_EVENTS_PER_SESSION = 2.0  # a session has one event plus a Poisson number more: three on average
LOGIN_RATE = 0.25
CUSTOMER_NUMBER_RATE = 0.05
_CLICK_GAP = (20, 8 * MINUTE)  # seconds between two events of a session
_DEVICE_KINDS: Weighted[str] = Weighted.of({"mobile": 55, "desktop": 40, "tablet": 5})
USER_AGENTS: dict[str, tuple[str, ...]] = {
    "mobile": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.5 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.6422.165 "
        "Mobile Safari/537.36",
        "Mozilla/5.0 (Linux; Android 13; SM-A536B) AppleWebKit/537.36 (KHTML, like Gecko) "
        "SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36",
    ),
    "desktop": (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 "
        "Safari/537.36",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 "
        "Safari/537.36 Edg/125.0.2535.67",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:126.0) Gecko/20100101 Firefox/126.0",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.5 Safari/605.1.15",
    ),
    "tablet": (
        "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 "
        "Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Linux; Android 13; SM-X200) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 "
        "Safari/537.36",
    ),
}
_CATEGORIES = ("femme", "homme", "enfants", "maison", "beaute", "sport", "promo")
_SEARCHES = ("robe", "jean", "baskets", "veste", "sac", "parfum", "pyjama", "lampe")


@dataclass(frozen=True)
class Device:
    device_id: str
    user_agent: str


@dataclass(frozen=True)
class Cookie:
    cookie_id: str
    device: Device


@dataclass(frozen=True)
class Browsing:
    """What one person browses with: their own devices and cookies, plus a family tablet they share."""

    devices: tuple[Device, ...]
    cookies: tuple[Cookie, ...]
    family_tablet: Cookie | None = None  # also in ``cookies``


class _Factory:
    """Device ids and cookies no one else has, from the seeded RNG (never ``uuid4``, which is not seeded)."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._devices: set[str] = set()

    def device(self, kind: str) -> Device:
        device_id = f"D{between(self._rng, 10**7, 10**8 - 1)}"
        while device_id in self._devices:
            device_id = f"D{between(self._rng, 10**7, 10**8 - 1)}"
        self._devices.add(device_id)
        return Device(device_id, pick(self._rng, USER_AGENTS[kind]))

    def cookie(self, device: Device) -> Cookie:
        return Cookie(_uuid4(self._rng.getrandbits(128)), device)


def _uuid4(bits: int) -> str:
    """``str(uuid.UUID(int=bits, version=4))`` without the object: the variant and version bits set."""
    bits = bits & ~(0xC000 << 48) | 0x8000 << 48
    bits = bits & ~(0xF000 << 64) | 4 << 76
    text = f"{bits:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def build_browsing(people: Sequence[Person], rng: random.Random) -> dict[str, Browsing]:
    """Everyone's devices and cookies, by person id."""
    factory = _Factory(rng)
    tablets = _family_tablets(people, factory, rng)
    browsing: dict[str, Browsing] = {}
    for person in people:
        tablet = tablets.get(person.person_id)
        devices = [factory.device(_DEVICE_KINDS.pick(rng))]
        if tablet is None and rng.random() < SECOND_DEVICE_RATE:
            devices.append(factory.device(_DEVICE_KINDS.pick(rng)))
        wanted = max(len(devices), between(rng, 1, 3)) - (tablet is not None)
        cookies = [factory.cookie(devices[i] if i < len(devices) else pick(rng, devices))
                   for i in range(max(1, wanted))]
        if tablet is not None:
            devices.append(tablet.device)
            cookies.append(tablet)
        browsing[person.person_id] = Browsing(tuple(devices), tuple(cookies), tablet)
    return browsing


def _family_tablets(people: Sequence[Person], factory: _Factory, rng: random.Random) -> dict[str, Cookie]:
    """For some households, one tablet cookie two of its members share, by person id."""
    households: dict[str, list[Person]] = {}
    for person in people:
        if person.household_id:
            households.setdefault(person.household_id, []).append(person)
    shared: dict[str, Cookie] = {}
    for members in households.values():
        if len(members) >= 2 and rng.random() < SHARED_TABLET_RATE:
            cookie = factory.cookie(factory.device("tablet"))
            for member in rng.sample(members, 2):
                shared[member.person_id] = cookie
    return shared


def build_web_events(people: Sequence[Person], browsing: dict[str, Browsing], rng: random.Random) -> list[Draft]:
    """Sessions of a few clicks minutes apart; a person's sessions fall days or months apart."""
    drafts: list[Draft] = []
    for person in people:
        mine = browsing[person.person_id]
        sessions = activity(rng, SESSIONS_PER_PERSON)
        if mine.family_tablet is None:
            drafts += [d for _ in range(sessions) for d in _session(person, pick(rng, mine.cookies), rng)]
        else:  # both sharers use the tablet, or it would not be shared as far as the log can tell
            for n in range(max(1, sessions)):
                on_tablet = n == 0 or rng.random() < TABLET_SESSION_RATE
                drafts += _session(person, mine.family_tablet if on_tablet else pick(rng, mine.cookies), rng)
    return drafts


def _session(person: Person, cookie: Cookie, rng: random.Random) -> list[Draft]:
    email = pick(rng, person.emails) if rng.random() < LOGIN_RATE else None
    number = person.customer_number if person.customer_number and rng.random() < CUSTOMER_NUMBER_RATE else None
    at = moment(rng, ONLINE_HOURS)
    drafts = []
    for page in _pages(1 + poisson(rng, EXTRA_EVENTS_PER_SESSION), rng):
        if at >= END:  # the log ends with 2024
            break
        drafts.append(Draft(at, person.person_id, {
            "ts": iso(at), "cookie_id": cookie.cookie_id, "device_id": cookie.device.device_id,
            "ua": cookie.device.user_agent, "url": page, "login_email": email, "customer_no": number}))
        at += between(rng, *_CLICK_GAP)
    return drafts


def _pages(count: int, rng: random.Random) -> list[str]:
    """A visit: a landing page, products and categories, now and then a cart and a checkout."""
    landing = rng.random()
    pages = ["/" if landing < 0.5 else f"/category/{pick(rng, _CATEGORIES)}" if landing < 0.75 else _product(rng)]
    while len(pages) < count:
        roll = rng.random()
        if roll < 0.6:
            pages.append(_product(rng))
        elif roll < 0.75:
            pages.append(f"/category/{pick(rng, _CATEGORIES)}")
        elif roll < 0.87:
            pages.append(f"/search?q={pick(rng, _SEARCHES)}")
        else:
            pages.append("/cart")
    if count >= 3 and rng.random() < 0.3:
        pages[-2:] = ["/cart", "/checkout"]
    return pages


def _product(rng: random.Random) -> str:
    return f"/product/{between(rng, 100, 9999)}"
