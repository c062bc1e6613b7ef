"""The reference and event sources: stores, purchases, web log, service cases and consents.

They are built after the customer sources from the same people, each from its own RNG stream, so adding
them changed none of the customer files, and ``events_truth.csv`` says who is behind every event row.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from synthetic.consents import CONSENT_COLUMNS, build_consents
from synthetic.files import write_csv, write_jsonl, write_text
from synthetic.mappings import EVENT_MAPPINGS
from synthetic.people import Person
from synthetic.sources import IdScheme, Record
from synthetic.stores import Geography, build_stores, write_stores
from synthetic.tickets import TICKET_COLUMNS, build_tickets
from synthetic.timeline import Draft, in_time_order
from synthetic.transactions import TRANSACTION_COLUMNS, build_transactions
from synthetic.web import WEB_COLUMNS, build_browsing, build_web_events

EVENTS_TRUTH_COLUMNS = ("kind", "source", "source_id", "person_id")
EVENT_ID_SCHEMES: dict[str, IdScheme] = {
    "transactions": IdScheme("txn_id", "T", range(10**8, 10**9)),
    "web": IdScheme("event_id", "E", range(10**9, 10**10)),
    "tickets": IdScheme("case_no", "TK", range(10**6, 10**7)),
    "consents": IdScheme("consent_id", "CO", range(10**7, 10**8)),
}
EVENT_COLUMNS: dict[str, tuple[str, ...]] = {
    "transactions": TRANSACTION_COLUMNS, "web": WEB_COLUMNS, "tickets": TICKET_COLUMNS,
    "consents": CONSENT_COLUMNS,
}


def generate_events(people: Sequence[Person], loyalty: Sequence[Record], out_dir: Path,
                    seed: int) -> tuple[dict[str, int], list[Path]]:
    """Write the stores, the four event sources, their mappings and ``events_truth.csv``; counts and files."""
    geography = Geography(seed)
    stores = build_stores(people, geography, random.Random(f"{seed}:stores"))
    files = [write_stores(out_dir / EVENT_MAPPINGS["stores"].data_file, stores), _write_mapping(out_dir, "stores")]
    counts = {"stores": len(stores)}
    truth: list[dict[str, str]] = []
    for source, records in _events(people, {r.person_id: r.source_id for r in loyalty}, geography, seed):
        files += [_write_source(out_dir, source, records), _write_mapping(out_dir, source)]
        counts[source] = len(records)
        truth += _truth_rows(source, records)
    files.append(write_csv(out_dir / "events_truth.csv", EVENTS_TRUTH_COLUMNS, truth))
    return counts, files


def _events(people: Sequence[Person], cards: dict[str, str], geography: Geography,
            seed: int) -> Iterator[tuple[str, list[Record]]]:
    """Each source's records in file order, one source at a time so only one is held in memory."""
    browsing = build_browsing(people, random.Random(f"{seed}:browsing"))
    builders: dict[str, Callable[[random.Random], list[Draft]]] = {
        "transactions": lambda rng: build_transactions(people, cards, browsing, geography, rng),
        "web": lambda rng: build_web_events(people, browsing, rng),
        "tickets": lambda rng: build_tickets(people, rng),
        "consents": lambda rng: build_consents(people, rng),
    }
    for source, build in builders.items():
        rng = random.Random(f"{seed}:{source}")
        yield source, in_time_order(build(rng), EVENT_ID_SCHEMES[source], rng)


def _write_source(out_dir: Path, source: str, records: list[Record]) -> Path:
    mapping = EVENT_MAPPINGS[source]
    path = out_dir / mapping.data_file
    if mapping.format == "jsonl":
        return write_jsonl(path, (r.values for r in records))
    return write_csv(path, EVENT_COLUMNS[source], (r.values for r in records), mapping.delimiter)


def _write_mapping(out_dir: Path, source: str) -> Path:
    mapping = EVENT_MAPPINGS[source]
    return write_text(out_dir / f"{mapping.stem}.toml", mapping.to_toml())


def _truth_rows(source: str, records: list[Record]) -> list[dict[str, str]]:
    kind = EVENT_MAPPINGS[source].kind
    return [{"kind": kind, "source": source, "source_id": r.source_id, "person_id": r.person_id} for r in records]
