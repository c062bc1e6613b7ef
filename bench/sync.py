"""Inbound sync benchmark: rows sent to `POST /ingest/<source>` over HTTP against `c360 load` of the same rows,
and how soon a posted record is part of its customer.

1. Demo data (``--customers`` people, every source kind) generated, loaded and resolved into a fresh store
   (which registers the demo's sources, ``webshop`` among them).
2. ``--rows`` new web-shop accounts written as the web shop's JSONL file under a second source name with the
   same mapping (``webshop_file``) and loaded by `c360 load` in its own process; the same rows then sent to a
   real `c360 serve` (uvicorn) by a real HTTP client, ``--batch`` rows per POST, under ``webshop``: rows/s of
   each, on the same machine in the same run. The server resolves what the posts touch while they arrive
   (micro-batches), so its figure includes that work; `c360 load` resolves nothing.
3. POST → resolved: ``--samples`` single-row posts, one after another, each a new account sharing its email
   and the names of a CRM record; the time from sending the POST until GraphQL (``customerByIdentifier``) shows one
   customer holding both records, polled every 20 ms.

    .venv/bin/python -m bench.sync --customers 2000 --rows 5000 --samples 100
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx2

from bench.figures import machine_line
from bench.scratch import demo_graph, fresh_graph
from bench.serving import served, token
from graph import Graph, Settings, open_graph
from loaders.mapping import read_mapping

POLL_S = 0.02
GIVE_UP_S = 15.0
BY_EMAIL = "query($email: String!) { customerByIdentifier(type: EMAIL, value: $email) { records { key } } }"


def accounts(count: int, prefix: str) -> list[dict[str, Any]]:
    """New web-shop accounts, in the web shop's own column names (synthetic/mappings.py) but for the id, sent
    by its canonical name (``source_id``)."""
    return [{"source_id": f"{prefix}{i}", "first_name": "Bench", "last_name": f"Row{i}",
             "email": f"bench{i}@example.org", "zip": "75011", "town": "Paris", "country_code": "FR"}
            for i in range(count)]


def file_load(settings: Settings, scratch: Path, rows: list[dict[str, Any]]) -> tuple[float, float]:
    """`c360 load` of ``rows`` as a JSONL file: the command's wall time and its load run's own seconds."""
    directory = scratch / "file-rows"
    directory.mkdir()
    mapping = scratch / "sources" / "webshop.toml"
    (directory / "webshop_file.toml").write_text(
        mapping.read_text(encoding="utf-8").replace('name = "webshop"', 'name = "webshop_file"'), encoding="utf-8")
    id_column = str(read_mapping(mapping).source.id)
    with open(directory / "webshop_file.jsonl", "w", encoding="utf-8") as out:
        out.writelines(json.dumps({id_column if k == "source_id" else k: v for k, v in row.items()}) + "\n"
                       for row in rows)
    env = {**os.environ, "C360_HOME": str(settings.home)}
    c360 = Path(sys.executable).with_name("c360")
    started = time.perf_counter()
    done = subprocess.run([str(c360), "load", str(directory)], env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"c360 load failed: {done.stderr}")
    with open_graph(settings) as graph:
        [run] = graph.read("ingest_bench_load_run", source="webshop_file")
    return wall, float(run["seconds"])


def http_ingest(client: httpx2.Client, rows: list[dict[str, Any]], batch: int) -> float:
    started = time.perf_counter()
    for at in range(0, len(rows), batch):
        answer = client.post("/ingest/webshop", json={"rows": rows[at:at + batch]})
        answer.raise_for_status()
        if answer.json()["accepted"] != len(rows[at:at + batch]):
            raise SystemExit(f"rows refused: {answer.json()['rejects'][:3]}")
    return time.perf_counter() - started


def crm_people(graph: Graph, count: int) -> list[dict[str, str]]:
    """CRM records whose email links records (not blocked as junk, a hub or a household), with their names: a
    new account under another first name with the same email would make it a household's."""
    return graph.read("ingest_bench_crm_emails", limit=count)


def latencies(ingest: httpx2.Client, reader: httpx2.Client, targets: list[dict[str, str]]) -> tuple[list[float], int]:
    """Seconds from each POST to the customer holding both records; how many never got there in GIVE_UP_S."""
    samples, missed = [], 0
    for number, person in enumerate(targets):
        crm_key, email, key = person["key"], person["email"], f"webshop:lat{number}"
        row = {"source_id": f"lat{number}", "first_name": person["first_name"], "last_name": person["last_name"],
               "email": email}
        started = time.perf_counter()
        ingest.post("/ingest/webshop", json={"rows": [row]}).raise_for_status()
        while time.perf_counter() - started < GIVE_UP_S:
            found = reader.post("/graphql", json={"query": BY_EMAIL, "variables": {"email": email}}).json()
            if any({crm_key, key} <= {r["key"] for r in c["records"]} for c in found["data"]["customerByIdentifier"]):
                samples.append(time.perf_counter() - started)
                break
            time.sleep(POLL_S)
        else:
            missed += 1
    return samples, missed


def nearest_rank(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=2000, help="people of the demo graph")
    parser.add_argument("--rows", type=int, default=5000, help="rows sent by file and by HTTP")
    parser.add_argument("--batch", type=int, default=500, help="rows per POST")
    parser.add_argument("--samples", type=int, default=100, help="POST → resolved samples")
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args()
    print(machine_line("inbound sync"))
    with fresh_graph("c360-bench-sync-") as (settings, scratch):
        with open_graph(settings) as graph:
            demo_graph(graph, settings.home, scratch / "sources", args.customers)
            counts = graph.read("graph_counts")[0]
            targets = crm_people(graph, args.samples)
        print(f"demo graph: {args.customers:,} people, {counts['customers']:,} customers, "
              f"{counts['records']:,} source records")
        wall, seconds = file_load(settings, scratch, accounts(args.rows, "f"))
        print(f"c360 load, {args.rows:,} rows (one JSONL file): {args.rows / wall:,.0f} rows/s over the command's "
              f"{wall:.2f} s wall time (process start included), {args.rows / seconds:,.0f} rows/s over its load "
              f"run's {seconds:.2f} s")
        source = token(settings, "source", source="webshop")
        agent = token(settings, "agent")
        with served(settings, args.port) as base, \
             httpx2.Client(base_url=base, headers={"Authorization": f"Bearer {source}"}, timeout=60) as ingest, \
             httpx2.Client(base_url=base, headers={"Authorization": f"Bearer {agent}"}, timeout=60) as reader:
            took = http_ingest(ingest, accounts(args.rows, "h"), args.batch)
            print(f"POST /ingest/webshop, {args.rows:,} rows in posts of {args.batch}: "
                  f"{args.rows / took:,.0f} rows/s ({took:.2f} s; resolution of them running meanwhile)")
            while ingest.get("/ingest/status").json()["waiting"]:
                time.sleep(0.1)
            samples, missed = latencies(ingest, reader, targets)
            runs = ingest.get("/ingest/status").json()["runs"]
    if not samples:
        raise SystemExit("no sample was resolved")
    p95 = f"p95 {nearest_rank(samples, 0.95) * 1000:.0f} ms" if len(samples) >= 100 else \
        f"max of {len(samples)} {max(samples) * 1000:.0f} ms"
    print(f"POST → resolved (one new account sharing a CRM record's email), {len(samples)} samples: "
          f"p50 {nearest_rank(samples, 0.5) * 1000:.0f} ms, {p95}; {missed} not resolved within {GIVE_UP_S:.0f} s; "
          f"{runs} micro-batch runs in all")


if __name__ == "__main__":
    main()
