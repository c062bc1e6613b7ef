"""Mutation testing: how many small bugs planted in the pure modules the fast tests catch.

mutmut (the ``mutation`` extra) copies the packages to ``mutants/``, plants one change per mutant in the
modules ``[tool.mutmut] only_mutate`` names (an operator, a constant, a condition…), records which of the
``pytest_add_cli_args_test_selection`` tests reach which function, then runs those tests against each mutant
in a forked process: a failing test kills the mutant; one that passes with the bug in place is a survivor, a
place where the tests do not say what the code must do. Store tests are left out (``-m "not store"``): a
store per mutant would take hours. This is not part of CI; it prints per module:

    .venv/bin/python -m bench.mutation --fresh
    .venv/bin/python -m bench.mutation --modules loaders.normalise,api.access --survivors

Score = (killed + timeout) / every mutant checked, "no tests" counting against it; "of the tested": the same
among the mutants some selected test reaches (the rest are left to the store tests).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.figures import machine_line

ROOT = Path(__file__).resolve().parents[1]
MUTANTS = ROOT / "mutants"

#: mutmut's verdict for each exit code of a mutant's test run (mutmut/stats.py), folded into the columns shown
_VERDICTS: dict[int | None, str] = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests",
                                    34: "skipped", 36: "timeout", -24: "timeout", 24: "timeout",
                                    152: "timeout", 255: "timeout", 37: "type check", None: "not checked"}
COLUMNS = ("mutants", "killed", "survived", "no tests", "timeout", "other")


def verdict(exit_code: int | None) -> str:
    return _VERDICTS.get(exit_code, "other")  # suspicious, crashed, interrupted


def configured_modules(pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    """The modules ``[tool.mutmut] only_mutate`` names, dotted: ``loaders/normalise.py`` → ``loaders.normalise``."""
    config = tomllib.loads(pyproject.read_text())["tool"]["mutmut"]
    return [path.removesuffix(".py").replace("/", ".") for path in config["only_mutate"]]


@dataclass
class ModuleResult:
    module: str
    verdicts: dict[str, str] = field(default_factory=dict)  # mutant name → verdict

    @property
    def counts(self) -> Counter[str]:
        counted = Counter(self.verdicts.values())
        counted["mutants"] = len(self.verdicts)
        counted["other"] = sum(n for v, n in counted.items() if v not in COLUMNS)
        return counted

    def score(self, tested_only: bool = False) -> float | None:
        """Killed (or timed out) among the mutants checked; ``tested_only``: among those some test reached."""
        counted = self.counts
        scored = counted["mutants"] - counted["skipped"] - counted["type check"] - counted["not checked"]
        scored -= counted["no tests"] if tested_only else 0
        return (counted["killed"] + counted["timeout"]) / scored if scored else None

    def named(self, kind: str) -> list[str]:
        return sorted((name for name, v in self.verdicts.items() if v == kind), key=_natural)


def _natural(name: str) -> tuple[str, int]:
    function, _, number = name.rpartition("__mutmut_")
    return function, int(number) if number.isdigit() else 0


def read_results(module: str, mutants: Path = MUTANTS) -> ModuleResult:
    """A module's verdicts as mutmut left them in ``mutants/<path>.py.meta``."""
    meta = mutants / (module.replace(".", "/") + ".py.meta")
    codes: dict[str, int | None] = json.loads(meta.read_text())["exit_code_by_key"] if meta.exists() else {}
    return ModuleResult(module, {name: verdict(code) for name, code in codes.items()})


class LoadSampler:
    """The machine's 1-minute load average every few seconds while mutmut runs: the machine may be shared."""

    def __init__(self, every: float = 15.0) -> None:
        self.samples: list[float] = [os.getloadavg()[0]]
        self._every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(self._every):
            self.samples.append(os.getloadavg()[0])

    def __enter__(self) -> LoadSampler:
        self._thread.start()
        return self

    def __exit__(self, *_: Any) -> None:
        self._stop.set()
        self._thread.join()
        self.samples.append(os.getloadavg()[0])


def run_mutmut(modules: list[str], max_children: int, log: Path) -> int:
    """``mutmut run`` on the mutants of ``modules`` (named mutants are always re-run), its output to ``log``."""
    mutmut = shutil.which("mutmut", path=str(Path(sys.executable).parent)) or shutil.which("mutmut")
    if mutmut is None:
        raise SystemExit("mutmut is not installed: pip install -e '.[mutation]'")
    MUTANTS.mkdir(exist_ok=True)
    with log.open("w") as out:
        return subprocess.run([mutmut, "run", "--max-children", str(max_children), *(f"{m}.*" for m in modules)],
                              cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, check=False).returncode


def show(name: str) -> str:
    """The changed lines of one mutant, as ``mutmut show`` prints its diff."""
    mutmut = shutil.which("mutmut", path=str(Path(sys.executable).parent)) or "mutmut"
    diff = subprocess.run([mutmut, "show", name], cwd=ROOT, capture_output=True, text=True, check=False).stdout
    return "\n".join(line for line in diff.splitlines()
                     if line[:1] in "+-" and not line.startswith(("+++", "---")))


def table(results: list[ModuleResult]) -> str:
    total = ModuleResult("all", {f"{r.module}.{n}": v for r in results for n, v in r.verdicts.items()})
    lines = ["| module | " + " | ".join(COLUMNS) + " | score | of the tested |", "|---|" + "---|" * (len(COLUMNS) + 2)]
    for result in [*results, total]:
        counted = result.counts
        name = f"**{result.module}**" if result is total else f"`{result.module}`"
        scores = [result.score(), result.score(tested_only=True)]
        shown = " | ".join("" if score is None else f"{score:.1%}" for score in scores)
        lines.append(f"| {name} | " + " | ".join(str(counted[c]) for c in COLUMNS) + f" | {shown} |")
    return "\n".join(lines)


def _commit() -> str:
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                          check=False).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                           capture_output=True, text=True, check=False).stdout.strip()
    return f"{head} (uncommitted changes)" if dirty else head


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--modules", help="comma-separated dotted modules (default: [tool.mutmut] only_mutate)")
    parser.add_argument("--max-children", type=int, default=1, help="mutants tested at once (the machine is shared)")
    parser.add_argument("--fresh", action="store_true", help="remove mutants/ first: new mutants, new test stats")
    parser.add_argument("--report", action="store_true", help="print the last run's results, run nothing")
    parser.add_argument("--survivors", action="store_true", help="list surviving and untested mutants")
    parser.add_argument("--diffs", action="store_true", help="with --survivors: each one's changed lines")
    args = parser.parse_args()
    known = configured_modules()
    modules = [m.strip() for m in args.modules.split(",")] if args.modules else known
    unknown = sorted(set(modules) - set(known))
    if unknown:
        parser.error(f"not in [tool.mutmut] only_mutate: {', '.join(unknown)}")

    print(machine_line("mutation"))
    print(f"commit {_commit()}; modules: {', '.join(modules)}")
    if not args.report:
        if args.fresh and MUTANTS.exists():
            shutil.rmtree(MUTANTS)
        started = time.monotonic()
        with LoadSampler() as load:
            code = run_mutmut(modules, args.max_children, log := MUTANTS / "bench-mutation.log")
        print(f"mutmut run --max-children {args.max_children}: exit {code}, {time.monotonic() - started:.0f} s wall "
              f"(output in {log.relative_to(ROOT)}); load average {min(load.samples):.1f} to {max(load.samples):.1f} "
              f"over {len(load.samples)} samples")
        if code:
            print(log.read_text()[-3000:])
            raise SystemExit(code)
    results = [read_results(module) for module in modules]
    print(table(results))
    if args.survivors:
        for result in results:
            for kind in ("survived", "no tests", "timeout", "other"):
                for name in result.named(kind):
                    print(f"{kind}: {name}")
                    if args.diffs:
                        print("    " + show(name).replace("\n", "\n    "))


if __name__ == "__main__":
    main()
