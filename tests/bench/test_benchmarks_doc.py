"""The benchmark figures in the docs can be reproduced: each section names its script, a commit that holds it,
the date and the machine, and every command the docs give still parses with today's script.

A figure nobody can re-run is an anecdote. The section heading carries ``(YYYY-MM-DD, at <commit>)``; the
commit must exist in this clone's history and hold every script the heading names, so ``git checkout
<commit>`` and the command beside the figures produce them again. A command that no longer parses (a flag
renamed or dropped) fails here rather than in a reader's terminal.
"""

from __future__ import annotations

import argparse
import importlib
import re
import shlex
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCHMARKS = ROOT / "docs" / "benchmarks.md"
HEADING = re.compile(r"^(#{2,3}) (?P<title>.+)$", re.MULTILINE)
SCRIPT = re.compile(r"`bench/(\w+)\.py")
STAMP = re.compile(r"\((?P<date>\d{4}-\d{2}-\d{2}), at (?P<commit>[0-9a-f]{7,40})\)$")
COMMAND = re.compile(r"`(?:\.venv/bin/)?python -m bench\.(?P<module>\w+)(?P<args>[^`]*)`")


def _sections() -> list[tuple[str, str]]:
    """(heading, body) of every ``##``/``###`` section of docs/benchmarks.md."""
    text = BENCHMARKS.read_text(encoding="utf-8")
    marks = list(HEADING.finditer(text))
    return [(m["title"], text[m.end():marks[i + 1].start() if i + 1 < len(marks) else len(text)])
            for i, m in enumerate(marks)]


def _measured_sections() -> list[tuple[str, str]]:
    return [(title, body) for title, body in _sections() if SCRIPT.search(title)]


def _ids(sections: list[tuple[str, str]]) -> list[str]:
    """Plain test ids: the heading's words before its dash."""
    return [re.sub(r"\W+", "-", title.split(" — ")[0]).strip("-").lower() for title, _ in sections]


def _documented_commands() -> Iterator[tuple[str, str, str]]:
    """(page, module, arguments) of every ``python -m bench.…`` command in the README and docs/."""
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for found in COMMAND.finditer(page.read_text(encoding="utf-8")):
            yield page.name, found["module"], found["args"].strip()


def test_every_top_level_section_reports_a_measurement() -> None:
    """Every ``##`` section after the preamble names the script its figures come from."""
    text = BENCHMARKS.read_text(encoding="utf-8")
    unnamed = [m["title"] for m in HEADING.finditer(text) if m[1] == "##" and not SCRIPT.search(m["title"])]
    assert not unnamed, f"sections with no script in their heading: {unnamed}"


@pytest.mark.parametrize(("title", "body"), _measured_sections(), ids=_ids(_measured_sections()))
def test_a_measured_section_names_its_date_commit_command_and_machine(title: str, body: str) -> None:
    stamp = STAMP.search(title)
    assert stamp, f"{title!r}: the heading ends with (YYYY-MM-DD, at <commit>)"
    scripts = set(SCRIPT.findall(title))
    commanded = {found["module"] for found in COMMAND.finditer(body)}
    assert scripts <= commanded, f"{title!r}: no command for {sorted(scripts - commanded)} in the section"
    assert "cores" in body, f"{title!r}: the section names the machine it ran on"


@pytest.mark.skipif(not (ROOT / ".git").exists() or not shutil.which("git"), reason="needs the git history")
@pytest.mark.parametrize(("title", "body"), _measured_sections(), ids=_ids(_measured_sections()))
def test_the_named_commit_holds_the_scripts(title: str, body: str) -> None:
    stamp = STAMP.search(title)
    assert stamp, f"{title!r} has no commit"
    for script in SCRIPT.findall(title):
        held = subprocess.run(["git", "cat-file", "-e", f"{stamp['commit']}:bench/{script}.py"], cwd=ROOT,
                              capture_output=True, check=False)
        assert held.returncode == 0, f"{title!r}: commit {stamp['commit']} has no bench/{script}.py"


class _Parsed(Exception):
    """Raised in place of running a benchmark once its arguments have parsed."""

    def __init__(self, namespace: argparse.Namespace) -> None:
        super().__init__("parsed")
        self.namespace = namespace


@pytest.mark.parametrize(("page", "module", "arguments"), list(_documented_commands()),
                         ids=[f"{p}:{m} {a}" for p, m, a in _documented_commands()])
def test_a_documented_command_parses_with_todays_script(page: str, module: str, arguments: str,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    parse = argparse.ArgumentParser.parse_args

    def parse_then_stop(self: argparse.ArgumentParser, args: Any = None, namespace: Any = None) -> NoReturn:
        raise _Parsed(parse(self, shlex.split(arguments)))

    def refuse(self: argparse.ArgumentParser, message: str) -> NoReturn:
        pytest.fail(f"{page}: `python -m bench.{module} {arguments}` does not parse: {message}")

    monkeypatch.setattr(argparse.ArgumentParser, "parse_args", parse_then_stop)
    monkeypatch.setattr(argparse.ArgumentParser, "error", refuse)
    with pytest.raises(_Parsed):
        importlib.import_module(f"bench.{module}").main()


def test_the_checks_see_the_commands_and_sections() -> None:
    """Guard against the patterns going blind: the page holds many sections and commands today."""
    assert len(_measured_sections()) >= 8
    assert sum(1 for _, module, _ in _documented_commands() if module == "quality") >= 2
