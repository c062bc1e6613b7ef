"""Sync benchmark: what the outbox costs resolution, and how fast a destination is fed.

1. The demo's sources for ``--customers`` people loaded into two fresh stores and resolved: once as shipped,
   once with the outbox's hooks switched off; the profiles step of each, and the events written by kind.
2. Every event the first store wrote sent to a webhook on loopback (a stdlib HTTP server in this process
   checking each signature) and to a JSON Lines directory: events per second for each (the delivery log
   written after each batch included).
3. Those events pruned from the outbox once both destinations have them (``c360 sync prune --keep-days 0``).

    .venv/bin/python -m bench.outbox --customers 2000
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from unittest.mock import patch

from bench.figures import machine_line
from bench.receiver import receiving
from bench.scratch import demo_graph, fresh_graph
from graph import Graph, open_graph, outbox
from resolution import feed
from sync.delivery import deliver_to, sink_for
from sync.destinations import Destination, Destinations
from sync.pruning import prune

SECRET = "bench-secret"


def _resolved(customers: int, with_feed: bool) -> tuple[float, Counter[str]]:
    """Seconds of the profiles step, and the events written by kind."""
    with ExitStack() as off:
        if not with_feed:
            off.enter_context(patch.object(feed, "state", lambda tx, ids, reported=False: feed.State()))
            off.enter_context(patch.object(outbox, "append_all", lambda tx, events: []))
        with fresh_graph("c360-bench-sync-") as (settings, scratch), open_graph(settings) as graph:
            resolved = demo_graph(graph, settings.home, scratch / "sources", customers)
            kinds = Counter(e.kind for e in outbox.after(graph, 0, limit=10**7))
            if with_feed:
                _deliveries(graph, scratch, sum(kinds.values()))
            return resolved.resolution.steps.get("profiles", 0.0), kinds


def _deliveries(graph: Graph, scratch: Path, events: int) -> None:
    with receiving(SECRET.encode(), lambda arrival: 204) as url:
        hook = Destination.model_validate({"name": "bench-hook", "kind": "webhook", "url": url,
                                           "secret_env": "BENCH_SECRET"})
        started = time.perf_counter()
        done = deliver_to(graph, hook, "urn:c360:bench", sink_for(hook, {"BENCH_SECRET": SECRET}))
        hook_s = time.perf_counter() - started
    files = Destination.model_validate({"name": "bench-files", "kind": "jsonl", "directory": str(scratch / "feed")})
    started = time.perf_counter()
    written = deliver_to(graph, files, "urn:c360:bench", sink_for(files, {}))
    files_s = time.perf_counter() - started
    print(f"webhook (loopback, signature checked): {done.sent:,} of {events:,} events in {hook_s:.1f} s = "
          f"{done.sent / hook_s:,.0f} events/s, dead letters {done.dead}")
    print(f"jsonl: {written.sent:,} events in {files_s:.1f} s = {written.sent / files_s:,.0f} events/s")
    started = time.perf_counter()
    pruned = prune(graph, Destinations(destinations=(hook, files)), timedelta(0), datetime.now(UTC))
    prune_s = time.perf_counter() - started
    print(f"prune: {pruned.events:,} events in {prune_s:.1f} s = {pruned.events / prune_s:,.0f} events/s, "
          f"{pruned.kept:,} kept (merged)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=2000)
    args = parser.parse_args()
    print(machine_line("sync"))
    with_feed, kinds = _resolved(args.customers, True)
    without, _ = _resolved(args.customers, False)
    by_kind = ", ".join(f"{k} {n:,}" for k, n in sorted(kinds.items()))
    print(f"{args.customers:,} people: outbox events {sum(kinds.values()):,} ({by_kind})")
    print(f"profiles step: {with_feed:.1f} s with the outbox, {without:.1f} s without")


if __name__ == "__main__":
    main()
