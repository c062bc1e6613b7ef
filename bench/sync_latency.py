"""Change → webhook latency: how long after a change commits its event reaches a destination.

The demo's graph for ``--customers`` people in a fresh store, a webhook receiver on loopback (checking each
signature, noting when each event arrives), and a delivery loop as `c360 sync run --interval I` runs it, in a
thread. Then ``--changes`` changes one after another (a marketing restriction of a random customer, or its
lifting: one event each, one transaction each) at ``--pace`` seconds apart; the latency of an event is its
arrival at the receiver minus the time the outbox wrote it (the CloudEvent's ``time``, stamped in the change's
transaction). Every event written is waited for.

    .venv/bin/python -m bench.sync_latency --customers 500 --changes 1000 --interval 0.2
"""

from __future__ import annotations

import argparse
import random
import threading
import time
from collections.abc import Callable
from datetime import datetime

from bench.figures import latencies, machine_line
from bench.receiver import Arrival, receiving
from bench.scratch import demo_graph, fresh_graph
from graph import open_graph, outbox
from privacy import restrictions
from sync.delivery import deliver_to, sink_for
from sync.destinations import Destination

SECRET = "bench-secret"


def _latency(arrivals: dict[str, float]) -> Callable[[Arrival], int]:
    """The receiver's answer: note, per event id, the seconds from its commit to its first arrival."""

    def arrived(arrival: Arrival) -> int:
        event = arrival.event
        arrivals.setdefault(event["id"], arrival.at - datetime.fromisoformat(event["time"]).timestamp())
        return 204

    return arrived


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=500)
    parser.add_argument("--changes", type=int, default=1000)
    parser.add_argument("--interval", type=float, default=0.2, help="the delivery loop's pause when caught up")
    parser.add_argument("--pace", type=float, default=0.05, help="seconds between two changes")
    args = parser.parse_args()
    print(machine_line("sync latency"))
    arrivals: dict[str, float] = {}
    with fresh_graph("c360-bench-sync-latency-") as (settings, scratch), open_graph(settings) as graph, \
            receiving(SECRET.encode(), _latency(arrivals)) as url:
        demo_graph(graph, settings.home, scratch / "sources", args.customers)
        hook = Destination.model_validate({"name": "bench", "kind": "webhook", "url": url, "allow_http": True,
                                           "secret_env": "BENCH_SECRET", "kinds": ["restricted"]})
        sink = sink_for(hook, {"BENCH_SECRET": SECRET})
        deliver_to(graph, hook, "urn:c360:bench", sink)  # the events of the load, before the clock starts
        arrivals.clear()
        start = outbox.head(graph)
        stop = threading.Event()

        def loop() -> None:
            while not stop.is_set():
                done = deliver_to(graph, hook, "urn:c360:bench", sink)
                if not done.sent:
                    time.sleep(args.interval)

        runner = threading.Thread(target=loop, daemon=True)
        runner.start()
        ids = [r["id"] for r in graph.read("scoring_customers")]
        rng, restricted = random.Random(11), set[str]()
        for _ in range(args.changes):
            customer = rng.choice(ids)
            if customer in restricted:
                restrictions.lift(graph, customer, "marketing", by="bench", why="bench")
                restricted.discard(customer)
            else:
                restrictions.restrict(graph, customer, "marketing", by="bench", why="bench")
                restricted.add(customer)
            time.sleep(args.pace)
        written = outbox.head(graph) - start
        deadline = time.time() + 60
        while len(arrivals) < written and time.time() < deadline:
            time.sleep(0.1)
        stop.set()
        runner.join()
    samples = list(arrivals.values())
    print(f"graph: demo of {args.customers:,} people; {args.changes:,} changes, {written:,} events, "
          f"{len(samples):,} delivered; delivery loop pause {args.interval} s")
    print(f"change committed → webhook received: {latencies(samples, digits=0)}, max {max(samples) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
