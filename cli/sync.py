"""``c360 sync``: deliver the outbox to the destinations of a TOML file, see how far behind each is, replay, and
prune what every destination has been sent."""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from graph import Settings, open_graph
from sync.delivery import Pass, deliver, replay, sink_for, status
from sync.destinations import Destinations, read_destinations
from sync.pruning import prune

sync_app = typer.Typer(help="Send customers' changes to other applications (docs/sync.md).", no_args_is_help=True)
out = Console()

DestinationsFile = Annotated[Path | None, typer.Option(
    "--destinations", envvar="C360_DESTINATIONS",
    help="The destinations file (TOML); default C360_HOME/destinations.toml.")]


def _destinations(path: Path | None, settings: Settings) -> Destinations:
    return read_destinations(path or settings.home / "destinations.toml")


def _print(passes: list[Pass]) -> None:
    for done in passes:
        skipped = ", ".join(f"{reason} {n:,}" for reason, n in sorted(done.skipped.items())) or "none"
        out.print(f"{escape(done.destination)}: sent {done.sent:,}, dead letters {done.dead:,}, failed attempts "
                  f"{done.failures:,}, passed over {skipped}; cursor {done.cursor:,}")


@sync_app.command("run")
def run_command(
    destinations_file: DestinationsFile = None,
    once: Annotated[bool, typer.Option("--once", help="One pass up to the outbox's head, then exit.")] = False,
    interval: Annotated[float, typer.Option(min=0.1, help="Seconds between passes when caught up.")] = 2.0,
) -> None:
    """Deliver the outbox to every destination, in order, with retries; keep running unless --once."""
    settings = Settings()
    destinations = _destinations(destinations_file, settings)
    with open_graph(settings) as graph:
        while True:
            passes = deliver(graph, destinations, os.environ)
            if once:
                _print(passes)
                return
            if any(p.sent or p.dead for p in passes):
                _print(passes)
            time.sleep(interval)


@sync_app.command("status")
def status_command(
    destinations_file: DestinationsFile = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per destination.")] = False,
) -> None:
    """How far behind each destination is (lag = head - cursor), its failed attempts and dead letters."""
    settings = Settings()
    destinations = _destinations(destinations_file, settings)
    with open_graph(settings) as graph:
        found = status(graph, destinations)
    if as_json:
        for row in found:
            typer.echo(json.dumps({**asdict(row), "lag": row.lag}))
        return
    table = Table(title="sync")
    for column in ("destination", "kind", "head", "cursor", "lag", "failed attempts", "dead letters", "last error"):
        table.add_column(column, justify="left" if column in ("destination", "kind", "last error") else "right")
    for row in found:
        table.add_row(escape(row.destination), row.kind, f"{row.head:,}", f"{row.cursor:,}", f"{row.lag:,}",
                      f"{row.failures:,}", f"{row.dead_letters:,}", escape(row.last_error or "-"))
    out.print(table)


@sync_app.command("replay")
def replay_command(
    destination: Annotated[str, typer.Option("--destination", help="The destination's name.")],
    start: Annotated[int, typer.Option("--from", min=1, help="The first event number to send again.")],
    destinations_file: DestinationsFile = None,
) -> None:
    """Send events from --from up to the destination's cursor again, dead letters included, in order."""
    settings = Settings()
    destinations = _destinations(destinations_file, settings)
    chosen = destinations.named(destination)
    with open_graph(settings) as graph:
        done = replay(graph, chosen, destinations.source, sink_for(chosen, os.environ), start)
    _print([done])
    out.print(f"{done.revived:,} dead letters delivered")


@sync_app.command("prune")
def prune_command(
    keep_days: Annotated[float, typer.Option("--keep-days", min=0,
                                             help="Keep delivered events this many days (for replays).")] = 30.0,
    destinations_file: DestinationsFile = None,
) -> None:
    """Delete the outbox's events that every destination was sent, once older than --keep-days."""
    settings = Settings()
    destinations = _destinations(destinations_file, settings)
    with open_graph(settings) as graph:
        done = prune(graph, destinations, timedelta(days=keep_days), datetime.now(UTC))
    oldest = f"oldest kept {done.oldest:,}" if done.oldest is not None else "the outbox is empty"
    out.print(f"pruned {done.events:,} events delivered to every destination (up to {done.up_to:,}); "
              f"{done.kept:,} kept, {oldest}")
