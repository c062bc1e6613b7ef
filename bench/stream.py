"""Streaming benchmark: one large file loaded end to end, with the client's peak memory.

Writes a time-ordered JSONL web-event file (1 000 000 rows by default: 50 000 cookies, visits of a few
clicks), loads it into a fresh embedded store, and prints rows/s, sessions written and the client's peak
RSS, which must stay far below the file's size: rows stream, nothing holds the file.

    .venv/bin/python -m bench.stream --rows 1000000
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import resource
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.scratch import fresh_graph
from graph import open_graph
from loaders.mapping import mapping_for
from loaders.run import load_file

MAPPING = """[source]
name = "web"
kind = "web_events"
id = "event_id"
[columns]
at = "ts"
cookie = "cookie_id"
device = "device_id"
page = "url"
email = "login_email"
"""


def write_events(path: Path, rows: int, seed: int = 1) -> None:
    """Visits of about five clicks by 50 000 visitors, interleaved in time order like a web log."""
    rng = random.Random(seed)
    now = datetime(2024, 1, 1, tzinfo=UTC)
    active = [rng.randrange(50_000) for _ in range(200)]
    with open(path, "w", encoding="utf-8") as out:
        for i in range(rows):
            now += timedelta(seconds=rng.expovariate(1 / 0.2))
            slot = rng.randrange(len(active))
            visitor = active[slot]
            if rng.random() < 0.2:
                active[slot] = rng.randrange(50_000)
            login = f"user{visitor}@example.com" if rng.random() < 0.05 else None
            out.write(json.dumps({"event_id": f"E{i}", "ts": now.isoformat(), "cookie_id": f"ck-{visitor}",
                                  "device_id": f"D{visitor}", "url": f"/product/{rng.randrange(500)}",
                                  "login_email": login}) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    with fresh_graph("c360-bench-stream-") as (settings, scratch):
        data = scratch / "web.jsonl"
        (scratch / "web.toml").write_text(MAPPING)
        write_events(data, args.rows)
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        with open_graph(settings) as graph:
            summary = load_file(graph, data, mapping_for(data), settings.home)
        size_mib = data.stat().st_size / 2**20
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"c360 streaming benchmark, {datetime.now(UTC):%Y-%m-%d}, {platform.machine()}, "
          f"Python {platform.python_version()}")
    print(f"{summary.read:,} rows ({size_mib:,.0f} MiB JSONL) in {summary.seconds:.1f} s: "
          f"{summary.read / summary.seconds:,.0f} rows/s, {summary.written:,} sessions written, "
          f"{summary.rejected} rejected")
    print(f"client peak RSS {rss:,.0f} MiB (before loading: {rss_before:,.0f} MiB)")


if __name__ == "__main__":
    main()
