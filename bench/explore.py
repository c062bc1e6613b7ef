"""Explorer benchmark: how long `/explore/neighbours` takes to answer, beside the raw store read it rests on.

The demo's graph for ``--customers`` people (loaded and resolved as `c360 demo` does), then, for
``--samples`` customers drawn at random, one expansion of each as an agent through the real ASGI app (token,
masking, access log included) and the same neighbourhood read straight from the store
(``analysis.neighbourhood``), in the same run.

    .venv/bin/python -m bench.explore --customers 1000 --samples 1000
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import timedelta

from starlette.testclient import TestClient

from analysis import neighbourhood
from api.app import create_app
from api.auth import issue_token, signing_key
from bench.figures import latencies, machine_line
from bench.scratch import demo_graph, fresh_graph
from graph import open_graph


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=1000)
    parser.add_argument("--samples", type=int, default=1000)
    args = parser.parse_args()
    print(machine_line("explore"))
    with fresh_graph("c360-bench-explore-") as (settings, scratch), open_graph(settings) as graph:
        demo_graph(graph, settings.home, scratch / "sources", args.customers)
        ids = [r["id"] for r in graph.read("scoring_customers")]
        chosen = random.Random(7).choices(ids, k=args.samples)
        token = issue_token(signing_key(settings), "agent", "bench", timedelta(hours=1))
        api, raw = [], []
        with TestClient(create_app(settings)) as client:
            for customer in chosen:
                start = time.perf_counter()
                response = client.get(f"/explore/neighbours?customer={customer}",
                                      headers={"Authorization": f"Bearer {token}"})
                api.append(time.perf_counter() - start)
                assert response.status_code == 200, response.text
                start = time.perf_counter()
                neighbourhood.neighbourhood(graph, neighbourhood.Ref("Customer", customer))
                raw.append(time.perf_counter() - start)
    print(f"graph: demo of {args.customers:,} people; {args.samples:,} expansions of random customers")
    for name, samples in (("GET /explore/neighbours (agent)", api), ("store read alone", raw)):
        print(f"{name}: {latencies(samples)}")


if __name__ == "__main__":
    main()
