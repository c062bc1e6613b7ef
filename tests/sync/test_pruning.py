"""Pruning the outbox: only what every destination was sent, never a dead letter's event or what came after
it, never a `merged` event, never within the retention; numbering and delivery go on unchanged after it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from desk.contact import correct_contact
from graph import Graph, Settings, outbox
from resolution.decisions import decide as record_decision
from sync import state
from sync.destinations import Destination, Destinations
from sync.pruning import prune
from tests.helpers import c360, deterministic, query
from tests.sync.conftest import send_each

pytestmark = pytest.mark.store


def _jsonl(name: str, tmp_path: Path) -> Destination:
    return Destination.model_validate({"name": name, "kind": "jsonl", "directory": str(tmp_path / name)})


def _kept(graph: Graph) -> list[tuple[int, str]]:
    return [(e.seq, e.kind) for e in outbox.after(graph, 0, limit=100_000)]


def _soon() -> datetime:
    """A moment just after every event so far: a retention of zero then covers them all."""
    return datetime.now(UTC) + timedelta(seconds=1)


def test_only_what_every_destination_was_sent_goes_and_merges_stay(loaded: Graph, tmp_path: Path) -> None:
    warehouse, crm = _jsonl("warehouse", tmp_path), _jsonl("crm", tmp_path)
    both = Destinations(destinations=(warehouse, crm))
    record_decision(loaded, "shop:1", "shop:2", same=True, by="steward", why="one person", rules=deterministic())
    head = outbox.head(loaded)
    everything = _kept(loaded)
    assert "merged" in {kind for _, kind in everything}

    send_each(loaded, warehouse)
    assert prune(loaded, both, timedelta(0), _soon()).events == 0  # the CRM never ran: it has seen nothing
    assert prune(loaded, Destinations(), timedelta(0), _soon()).events == 0  # no destination: nobody was sent any
    send_each(loaded, crm)
    assert prune(loaded, both, timedelta(days=1), _soon()).events == 0  # all within the retention

    done = prune(loaded, both, timedelta(0), _soon(), batch=2)  # several batches
    merged = [(seq, kind) for seq, kind in everything if kind == "merged"]
    assert _kept(loaded) == merged
    assert (done.events, done.up_to, done.kept, done.oldest) == (len(everything) - len(merged), head, len(merged),
                                                                 merged[0][0])

    jean = query(loaded, "MATCH (c:Customer) RETURN c.id AS id")[0]["id"]
    correct_contact(loaded, deterministic(), jean, {"email": "jean.dupont@new.fr"}, by="agent-7")
    assert min(seq for seq, kind in _kept(loaded) if kind != "merged") == head + 1  # numbering goes on
    send_each(loaded, warehouse)
    assert state.cursor(loaded, "warehouse").seq == outbox.head(loaded)


def test_a_dead_letter_holds_back_its_event_and_every_later_one(loaded: Graph, tmp_path: Path) -> None:
    warehouse = _jsonl("warehouse", tmp_path)
    send_each(loaded, warehouse)
    everything = _kept(loaded)
    letter = everything[len(everything) // 2][0]
    state.bury(loaded, "warehouse", letter, "someone", "HTTP 500", 3)
    done = prune(loaded, Destinations(destinations=(warehouse,)), timedelta(0), _soon())
    assert done.up_to == letter - 1
    assert _kept(loaded) == [(seq, kind) for seq, kind in everything if seq >= letter]


def test_the_command_says_what_it_pruned(loaded: Graph, embedded_settings: Settings, tmp_path: Path) -> None:
    config = tmp_path / "destinations.toml"
    config.write_text(f'[[destinations]]\nname = "warehouse"\nkind = "jsonl"\ndirectory = "{tmp_path / "wh"}"\n',
                      encoding="utf-8")
    head = outbox.head(loaded)
    env = {"C360_DESTINATIONS": str(config)}
    kept = c360("sync", "prune", "--keep-days", "0", home=embedded_settings.home, env=env)
    assert kept.returncode == 0, kept.stderr
    assert kept.stdout.split() == f"pruned 0 events delivered to every destination (up to 0); {head:,} kept, " \
                                  "oldest kept 1".split()
    assert c360("sync", "run", "--once", home=embedded_settings.home, env=env).returncode == 0
    pruned = c360("sync", "prune", "--keep-days", "0", home=embedded_settings.home, env=env)
    assert pruned.returncode == 0, pruned.stderr
    assert pruned.stdout.split() == f"pruned {head:,} events delivered to every destination (up to {head:,}); " \
                                    "0 kept, the outbox is empty".split()
