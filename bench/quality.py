"""Identity resolution quality beside the reference tool of the field, on the same files, in the same run.

For each data set (FEBRL, which c360 did not make, and c360's generator) the benchmark writes the records as
c360 sources once, then:

- c360, as a user runs it, in a fresh scratch store: ``c360 load DIR``, ``c360 resolve``,
  ``c360 export clusters``, each a child process; seconds of resolve alone and of load + resolve, peak
  memory of the c360 process and, apart, of the embedded store's Java process;
- Splink 5 with its default comparisons (``bench.reference``) on the records c360 accepted, in a child
  process of its own, clustered at match probability 0.5 and 0.9; its seconds and peak memory;
- pairwise precision, recall and F1 of each side against the exact truth.

    .venv/bin/python -m bench.quality --sets febrl3,febrl3-no-id,febrl4,generated --customers 5000
    .venv/bin/python -m bench.quality --scale 10000,100000,200000
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.datasets import DATA_SETS, Options, WrittenSet
from bench.figures import machine_line
from bench.reference import THRESHOLDS, clusters_file
from bench.scratch import fresh_graph
from resolution.quality import PairwiseQuality, pairwise_quality, read_clusters

#: customer records the generator writes per person (9 697 for 5 000 people): turns --scale records into people
RECORDS_PER_PERSON = 1.94


@dataclass(frozen=True)
class Finished:
    """A child process that ran to its end: its wall time, its own peak memory and what it printed."""

    seconds: float
    peak_mib: float
    stdout: str


@dataclass(frozen=True)
class C360Side:
    quality: PairwiseQuality
    load_seconds: float
    resolve_seconds: float
    peak_mib: float  # the larger of the load and resolve processes
    store_peak_mib: float
    rejects: Counter[tuple[str, str, str]]
    reject_examples: dict[tuple[str, str, str], Any]


@dataclass(frozen=True)
class ReferenceSide:
    quality: dict[float, PairwiseQuality]
    seconds: float  # Splink alone, from its input tables to clusters
    read_seconds: float  # reading and validating the files as c360 does
    pairs_scored: int
    peak_mib: float


@dataclass(frozen=True)
class Comparison:
    name: str
    records: int
    people: int
    c360: C360Side
    reference: ReferenceSide


#: Runs a command and writes its exit code and peak RSS. A child's peak counts the memory of the process it was
#: forked from (Linux carries the old address space's high-water mark across exec), so the command is started
#: from this small interpreter rather than from the benchmark, whose own memory would otherwise be counted.
_LAUNCHER = """import json, os, sys
pid = os.posix_spawn(sys.argv[2], sys.argv[2:], os.environ)
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as out:
    json.dump([os.waitstatus_to_exitcode(status), usage.ru_maxrss], out)
"""


def measured(command: list[str], env: dict[str, str], scratch: Path) -> Finished:
    """Run ``command`` (an absolute executable first) to its end: wall time, its own peak RSS, its output."""
    with tempfile.TemporaryDirectory(dir=scratch) as run:
        result, out, err = Path(run) / "result.json", Path(run) / "stdout", Path(run) / "stderr"
        with open(out, "wb") as stdout, open(err, "wb") as stderr:
            started = time.perf_counter()
            subprocess.run([sys.executable, "-S", "-c", _LAUNCHER, str(result), *command], stdout=stdout,
                           stderr=stderr, env=env, check=True)
            seconds = time.perf_counter() - started
        code, peak_kib = json.loads(result.read_text())
        if code:
            raise RuntimeError(f"{' '.join(command)} exited with {code}:\n{err.read_text()[-4000:]}")
        return Finished(seconds, peak_kib / 1024, out.read_text())


def c360_environment(home: Path) -> dict[str, str]:
    """The scratch store under ``home``, never a Neo4j named in the caller's environment."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    return environment | {"C360_HOME": str(home), "COLUMNS": "200"}


def c360(*args: str) -> list[str]:
    return [sys.executable, "-m", "cli", *args]


def run_c360(written: WrittenSet, home: Path, scratch: Path) -> C360Side:
    """The commands a user types, in order; the store's peak is read from the kernel once they are done."""
    env = c360_environment(home)
    loaded = measured(c360("load", str(written.sources), "--quiet"), env, scratch)
    resolved = measured(c360("resolve"), env, scratch)
    export = scratch / "c360-clusters.csv"
    measured(c360("export", "clusters", "--out", str(export)), env, scratch)
    status = json.loads(measured(c360("db", "status", "--json"), env, scratch).stdout)
    predicted = read_clusters(export, "customer_id")
    rejects, examples = reject_reasons(home / "rejects")
    return C360Side(pairwise_quality(predicted, written.truth), loaded.seconds, resolved.seconds,
                    max(loaded.peak_mib, resolved.peak_mib), store_peak_mib(int(status["pid"])), rejects, examples)


def store_peak_mib(pid: int) -> float:
    """The embedded store's peak resident memory since it started (``VmHWM``), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for process {pid}")


def reject_reasons(rejects: Path) -> tuple[Counter[tuple[str, str, str]], dict[tuple[str, str, str], Any]]:
    """How many records and values the loads refused, by (action, field, reason), with one value of each."""
    counts: Counter[tuple[str, str, str]] = Counter()
    examples: dict[tuple[str, str, str], Any] = {}
    for path in sorted(rejects.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            entry = json.loads(line)
            reason = (entry["action"], entry["field"] or "", entry["reason"])
            counts[reason] += 1
            examples.setdefault(reason, entry["value"])
    return counts, examples


def run_reference(written: WrittenSet, scratch: Path) -> ReferenceSide:
    out = scratch / "splink"
    command = [sys.executable, "-m", "bench.reference", str(written.sources), "--link-type", written.link_type,
               "--out", str(out)]
    finished = measured(command, c360_environment(scratch / "unused-home"), scratch)
    summary = json.loads(finished.stdout.strip().splitlines()[-1])
    quality = {t: pairwise_quality(read_clusters(clusters_file(out, t), "cluster_id"), written.truth)
               for t in THRESHOLDS}
    return ReferenceSide(quality, summary["seconds"], summary["read_seconds"], summary["pairs_scored"],
                         finished.peak_mib)


def compare(name: str, options: Options) -> Comparison:
    """One data set, written once, resolved by both sides from the same files."""
    with fresh_graph(f"c360-bench-quality-{name}-") as (settings, scratch):
        written = DATA_SETS[name](scratch / "data", options)
        c360_side = run_c360(written, settings.home, scratch)
        reference = run_reference(written, scratch)
    return Comparison(written.name, written.records, written.people, c360_side, reference)


# -- output --------------------------------------------------------------------------------------------------
HEADER = (f"{'data set':<14} {'records':>8} {'people':>7}  {'side':<13} {'P':>6} {'R':>6} {'F1':>6}  "
          f"{'seconds':>8} {'peak MB':>8}  notes")


def print_comparison(row: Comparison) -> None:
    c, ref = row.c360, row.reference
    size = f"{row.name:<14} {row.records:>8,} {row.people:>7,}"
    print(f"{size}  {'c360 resolve':<13} {_pr(c.quality)}  {c.resolve_seconds:>8.2f} {c.peak_mib:>8,.0f}  "
          f"load+resolve {c.load_seconds + c.resolve_seconds:.2f} s; store peak {c.store_peak_mib:,.0f} MB")
    for threshold in THRESHOLDS:
        label = f"Splink ≥{threshold}"
        timing = f"{ref.seconds:>8.2f} {ref.peak_mib:>8,.0f}" if threshold == THRESHOLDS[0] else f"{'':>8} {'':>8}"
        notes = (f"{ref.pairs_scored:,} pairs ≥{THRESHOLDS[0]}; reading the files {ref.read_seconds:.2f} s"
                 if threshold == THRESHOLDS[0] else "same run, clustered at a higher threshold")
        print(f"{'':<31}  {label:<13} {_pr(ref.quality[threshold])}  {timing}  {notes}")


def print_rejects(row: Comparison) -> None:
    for (action, field, reason), count in row.c360.rejects.most_common():
        example = row.c360.reject_examples[(action, field, reason)]
        print(f"  {row.name} ({row.records:,} records): {count:,} {action} {field}: {reason} (e.g. {example!r})")


def _pr(quality: PairwiseQuality) -> str:
    return f"{quality.precision:>6.4f} {quality.recall:>6.4f} {quality.f1:>6.4f}"


# -- command line --------------------------------------------------------------------------------------------
def generator_options(args: argparse.Namespace) -> dict[str, Any]:
    """Only the generator keywords asked for, so the benchmark runs on a generator that lacks them."""
    options: dict[str, Any] = {}
    if args.corruption:
        profiles = importlib.import_module("synthetic.corruption").Corruption
        options["corruption"] = getattr(profiles, args.corruption)()
    if args.no_identifiers:
        options["identifiers"] = False
    return options


def _described(args: argparse.Namespace) -> str:
    shown = [f"corruption {args.corruption}"] if args.corruption else []
    return ", ".join([*shown, *(["no shared identifiers"] if args.no_identifiers else [])])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", default="febrl3,febrl3-no-id,febrl4,generated",
                        help=f"comma-separated, from: {', '.join(DATA_SETS)}")
    parser.add_argument("--customers", type=int, default=5_000, help="people the generator makes")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--scale", default="", metavar="RECORDS,…",
                        help="instead of --sets: the generator at about these record counts (both sides timed)")
    parser.add_argument("--corruption", choices=("none", "default", "heavy"),
                        help="the generator's corruption profile (when the generator has them)")
    parser.add_argument("--no-identifiers", action="store_true",
                        help="the generator without shared identifiers: names, birth dates and addresses only")
    args = parser.parse_args()
    extra = generator_options(args)
    if args.scale:
        runs = [("generated", Options(round(int(n) / RECORDS_PER_PERSON), args.seed, extra))
                for n in args.scale.split(",")]
    else:
        unknown = [n for n in args.sets.split(",") if n not in DATA_SETS]
        if unknown:
            parser.error(f"unknown data set(s) {', '.join(unknown)}; choose from {', '.join(DATA_SETS)}")
        runs = [(name, Options(args.customers, args.seed, extra)) for name in args.sets.split(",")]

    print(machine_line("identity resolution quality"))
    print("c360: load, resolve and export as commands on a fresh embedded store; Splink 5 (DuckDB) with its "
          "default comparisons in its own process. P, R, F1: pairwise against the truth; peak MB: the process's "
          "own peak RSS" + (f"; generator: {_described(args)}" if extra else ""))
    print(HEADER)
    done = []
    for name, options in runs:
        row = compare(name, options)
        print_comparison(row)
        done.append(row)
    print("c360 rejects and dropped values (from C360_HOME/rejects):")
    for row in done:
        print_rejects(row)


if __name__ == "__main__":
    main()
