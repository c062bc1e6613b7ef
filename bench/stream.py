"""Streaming benchmark: one large web log loaded end to end, with the client's peak memory.

Writes a time-ordered JSONL web log (1 000 000 rows by default) shaped like a real one: 50 000 visitors,
each with one browser (a real user-agent string: phones, tablets, desktops, a few crawlers) and one device,
visits of a few clicks on full page URLs with query strings, the referrer of every click (a search engine,
a social network, a newsletter, or the previous page), some clicks logged in. The loader keeps the user
agent, the pages and the logins of each session; the referrer and the client address are read and dropped,
as the mapping names no field for them. Then the file is loaded into a fresh embedded store: rows/s,
sessions written, and the client's peak RSS, which must stay far below the file's size (rows stream).

    .venv/bin/python -m bench.stream --rows 1000000
    .venv/bin/python -m bench.stream --rows 100000 --bare    # the same clicks without what real rows carry
"""

from __future__ import annotations

import argparse
import json
import random
import resource
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.figures import machine_line
from bench.scratch import fresh_graph
from graph import open_graph
from loaders.mapping import mapping_for
from loaders.run import LoadSummary, load_file

MAPPING = """[source]
name = "web"
kind = "web_events"
id = "event_id"
[columns]
at = "ts"
cookie = "cookie_id"
device = "device_id"
user_agent = "ua"
page = "url"
email = "login_email"
customer_number = "customer_no"
"""

VISITORS = 50_000
SITE = "https://www.maison-lumiere.example"

#: Browsers as their user-agent strings say them, with a weight near their share of a European shop's
#: traffic: mobile first, then desktop, tablets, in-app browsers and crawlers.
USER_AGENTS: tuple[tuple[str, int], ...] = (
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/17.5 Mobile/15E148 Safari/604.1", 16),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 16_7_8 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/16.6 Mobile/15E148 Safari/604.1", 5),
    ("Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 "
     "Mobile Safari/537.36", 14),
    ("Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
     "SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36", 4),
    ("Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.6422.165 "
     "Mobile Safari/537.36", 3),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "CriOS/126.0.6478.54 Mobile/15E148 Safari/604.1", 2),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Mobile/15E148 [FBAN/FBIOS;FBAV/467.0.0.44.108;FBBV/602424617;FBDV/iPhone14,5;FBMD/iPhone;FBSN/iOS;"
     "FBSV/17.4.1;FBSS/3;FBID/phone;FBLC/fr_FR;FBOP/5;FBRV/604153925]", 2),
    ("Mozilla/5.0 (Linux; Android 13; SM-A536B Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like "
     "Gecko) Version/4.0 Chrome/125.0.6422.165 Mobile Safari/537.36 Instagram 335.0.0.39.93 Android (33/13; "
     "450dpi; 1080x2177; samsung; SM-A536B; a53x; exynos1280; fr_FR; 609201530)", 2),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 "
     "Safari/537.36", 17),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 "
     "Safari/537.36 Edg/126.0.0.0", 6),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0", 4),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/17.5 Safari/605.1.15", 6),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/126.0.0.0 Safari/537.36", 4),
    ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36", 1),
    ("Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0", 1),
    ("Mozilla/5.0 (iPad; CPU OS 17_5_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/17.5 Mobile/15E148 Safari/604.1", 4),
    ("Mozilla/5.0 (Linux; Android 13; SM-X200) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 "
     "Safari/537.36", 1),
    ("Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/126.0.6478.126 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", 2),
    ("Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; "
     "+http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36", 1),
    ("Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)", 1),
)
BOT_MARKERS = ("bot/", "Bot/", "bingbot")
_AGENTS, _WEIGHTS = zip(*USER_AGENTS, strict=True)

SECTIONS = ("femme/robes", "femme/vestes-et-manteaux", "homme/chemises", "homme/pulls-et-gilets",
            "maison/linge-de-lit", "maison/luminaires", "enfant/pyjamas", "beaute/soins-visage",
            "chaussures/baskets", "accessoires/sacs-a-main")
WORDS = ("lin", "laine", "coton-bio", "melange", "ample", "cintre", "col-v", "rayures", "velours", "oversize",
         "brode", "ceinture", "capuche", "zippe", "imprime-fleuri", "recycle", "jacquard", "matelasse")
COLOURS = ("bleu-marine", "ecru", "noir", "terracotta", "vert-sauge", "gris-chine", "rose-poudre", "camel")
CAMPAIGNS = ("soldes_hiver_2024", "nouvelle_collection_printemps", "black_friday_j-3", "newsletter_hebdo_s07",
             "retargeting_panier_abandonne", "fete_des_meres_selection")


@dataclass(frozen=True)
class Visitor:
    """One browser: its cookie, the device it runs on and the user agent it sends on every click."""

    number: int
    user_agent: str
    device: str

    @property
    def bot(self) -> bool:
        return any(marker in self.user_agent for marker in BOT_MARKERS)


def visitor(number: int, seed: int) -> Visitor:
    """The same visitor number always has the same browser and device, wherever it is drawn."""
    rng = random.Random(f"{seed}:visitor:{number}")
    user_agent = rng.choices(_AGENTS, _WEIGHTS)[0]
    return Visitor(number, user_agent, f"{rng.getrandbits(64):016x}-{rng.getrandbits(32):08x}")


def product_url(rng: random.Random) -> str:
    """A product page as shops name them: section, slug of words, colour, reference, sometimes size and tags."""
    words = "-".join(rng.sample(WORDS, rng.randint(2, 4)))
    url = (f"{SITE}/fr-fr/{rng.choice(SECTIONS)}/{words}-{rng.choice(COLOURS)}-p{rng.randrange(10**6, 10**7)}"
           f".html")
    if rng.random() < 0.4:
        url += f"?taille={rng.choice(('XS', 'S', 'M', 'L', 'XL', '38', '40', '42'))}&couleur={rng.choice(COLOURS)}"
    return url


def landing_url(rng: random.Random) -> tuple[str, str | None]:
    """A visit's first page and where it came from: search, social, a newsletter (tagged), or typed in."""
    draw = rng.random()
    page = product_url(rng) if rng.random() < 0.6 else f"{SITE}/fr-fr/{rng.choice(SECTIONS)}"
    separator = "&" if "?" in page else "?"
    if draw < 0.45:
        terms = "+".join(rng.sample(WORDS, 2))
        return page, f"https://www.google.fr/search?q={terms}&sca_esv=5c0b5a7e2c&source=hp&ei={rng.getrandbits(64):x}"
    if draw < 0.60:
        campaign = rng.choice(CAMPAIGNS)
        return (f"{page}{separator}utm_source=facebook&utm_medium=paid_social&utm_campaign={campaign}"
                f"&fbclid=IwAR{rng.getrandbits(128):032x}", "https://m.facebook.com/")
    if draw < 0.72:
        return (f"{page}{separator}utm_source=newsletter&utm_medium=email&utm_campaign={rng.choice(CAMPAIGNS)}"
                f"&utm_content=bloc_{rng.randint(1, 6)}", None)
    if draw < 0.80:
        return page, "https://www.instagram.com/"
    return page, None


def event_rows(rows: int, seed: int = 1) -> Iterator[dict[str, Any]]:
    """Visits of about five clicks by ``VISITORS`` browsers, interleaved in time order like a web log."""
    rng = random.Random(seed)
    now = datetime(2024, 1, 1, tzinfo=UTC)
    active: list[tuple[Visitor, str | None]] = [(visitor(rng.randrange(VISITORS), seed), None) for _ in range(200)]
    for i in range(rows):
        now += timedelta(seconds=rng.expovariate(1 / 0.2))
        slot = rng.randrange(len(active))
        browser, previous = active[slot]
        if previous is None:
            url, referrer = landing_url(rng)
        else:
            url, referrer = (product_url(rng) if rng.random() < 0.7 else f"{SITE}/fr-fr/panier"), previous
        active[slot] = (browser, url)
        if rng.random() < 0.2:  # the visit ends; another browser starts one
            active[slot] = (visitor(rng.randrange(VISITORS), seed), None)
        logged_in = not browser.bot and rng.random() < 0.05
        yield {"event_id": f"E{i}", "ts": now.isoformat(), "cookie_id": f"ck-{browser.number}",
               "device_id": None if browser.bot else browser.device, "ua": browser.user_agent, "url": url,
               "referrer": referrer, "ip": f"{rng.randrange(1, 224)}.{rng.randrange(256)}.{rng.randrange(256)}.0",
               "login_email": f"user{browser.number}@example.com" if logged_in else None,
               "customer_no": f"C{browser.number:07d}" if logged_in and rng.random() < 0.3 else None}


def bare_rows(rows: int, seed: int = 1) -> Iterator[dict[str, Any]]:
    """The same clicks as ``event_rows`` without user agent, referrer or client address, on short paths: the
    rows this benchmark wrote before, so that one run tells what real rows cost beside them."""
    for row in event_rows(rows, seed):
        path = row["url"].removeprefix(SITE).partition("?")[0]
        yield {"event_id": row["event_id"], "ts": row["ts"], "cookie_id": row["cookie_id"],
               "device_id": row["device_id"], "url": path, "login_email": row["login_email"]}


def write_events(path: Path, rows: int, seed: int = 1, bare: bool = False) -> None:
    with open(path, "w", encoding="utf-8") as out:
        for row in (bare_rows if bare else event_rows)(rows, seed):
            out.write(json.dumps(row) + "\n")


def load_events(rows: int, bare: bool = False) -> tuple[LoadSummary, float, float]:
    """The log written and loaded into a fresh store: the load, the file's MiB, the RSS before loading."""
    with fresh_graph("c360-bench-stream-") as (settings, scratch):
        data = scratch / "web.jsonl"
        (scratch / "web.toml").write_text(MAPPING)
        write_events(data, rows, bare=bare)
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        with open_graph(settings) as graph:
            summary = load_file(graph, data, mapping_for(data), settings.home)
        return summary, data.stat().st_size / 2**20, rss_before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--bare", action="store_true",
                        help="rows without user agent, referrer or client address, on short paths (as before)")
    args = parser.parse_args()
    print(machine_line("streaming"))
    summary, size_mib, rss_before = load_events(args.rows, args.bare)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    label = "bare rows: " if args.bare else ""
    print(f"{label}{summary.read:,} rows ({size_mib:,.0f} MiB JSONL, {size_mib * 2**20 / max(summary.read, 1):,.0f} "
          f"bytes a row) in {summary.seconds:.1f} s: {summary.read / summary.seconds:,.0f} rows/s, "
          f"{summary.written:,} sessions written, {summary.rejected} rejected")
    print(f"client peak RSS {rss:,.0f} MiB (before loading: {rss_before:,.0f} MiB)")


if __name__ == "__main__":
    main()
