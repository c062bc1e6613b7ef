"""The demo's rights requests, handled as docs/privacy.md says: `c360 requests` finds every ticket asking
for an erasure among the generated ones (checked against the generator's own files), and the command it
prints for each answers it and closes the ticket."""

from __future__ import annotations

import csv
import json
import shlex
from pathlib import Path

import pytest

from tests.helpers import c360

pytestmark = pytest.mark.store

#: the subjects the generator gives a request to delete an account, in each language it writes
ERASURE_SUBJECTS = {"Delete my account (GDPR)", "Supprimer mon compte (RGPD)", "Account verwijderen (AVG)"}


def _requests(home: Path, *flags: str) -> list[dict[str, str]]:
    listed = c360("requests", "--json", *flags, home=home)
    assert listed.returncode == 0, listed.stderr
    return [json.loads(line) for line in listed.stdout.splitlines()]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The demo's sources for 600 people, loaded and resolved by the commands a user runs."""
    root = tmp_path_factory.mktemp("requests")
    home, data = root / "home", root / "data"
    assert c360("generate", "--customers", "600", "--out", str(data), home=home).returncode == 0
    assert c360("load", str(data), "--quiet", home=home).returncode == 0
    assert c360("resolve", home=home).returncode == 0
    return home, data


def test_a_request_is_not_answered_with_another_persons_ticket(demo: tuple[Path, Path], tmp_path: Path) -> None:
    home, _ = demo
    ticket = next(r for r in _requests(home, "--all") if r["customer_id"])
    clusters = tmp_path / "clusters.csv"
    assert c360("export", "clusters", "--out", str(clusters), home=home).returncode == 0
    with open(clusters, encoding="utf-8") as handle:
        other = next(r["customer_id"] for r in csv.DictReader(handle) if r["customer_id"] != ticket["customer_id"])
    refused = c360("erase", "--customer", other, "--why", "x", "--ticket", ticket["ticket"], home=home)
    assert refused.returncode == 1
    assert f"was not raised by customer '{other}'" in refused.stderr
    assert ticket["ticket"] in {r["ticket"] for r in _requests(home, "--all")}  # nothing was erased or closed


def test_the_demo_requests_are_found_and_answered_by_the_printed_commands(demo: tuple[Path, Path],
                                                                          tmp_path: Path) -> None:
    home, data = demo
    with open(data / "tickets.csv", encoding="utf-8") as handle:
        tickets = list(csv.DictReader(handle, delimiter=";"))
    expected = {f"tickets:{t['case_no']}": t["status"] for t in tickets if t["subject"] in ERASURE_SUBJECTS}
    assert len(expected) >= 3, "the generator writes a few erasure requests"

    found = _requests(home, "--all")
    assert {r["ticket"]: r["right"] for r in found} == dict.fromkeys(expected, "erasure")
    open_ones = [r for r in _requests(home) if r["customer_id"]]
    assert {r["ticket"] for r in open_ones} <= {k for k, status in expected.items() if status != "closed"}
    assert open_ones, "some requests are still open"

    for request in open_ones[:3]:
        command = shlex.split(request["command"])
        assert command[:4] == ["c360", "erase", "--customer", request["customer_id"]]
        done = c360(*command[1:], home=home)
        assert done.returncode == 0, done.stderr
        assert f"ticket {request['ticket']} closed" in done.stdout
    answered = {r["ticket"] for r in open_ones[:3]}
    assert not answered & {r["ticket"] for r in _requests(home)}  # closed: no longer open
    after = {r["ticket"]: r for r in _requests(home, "--all")}
    assert not answered & set(after)  # the erasure took the subject with it: no longer a request at all
    gone = c360("subject-access", "--customer", open_ones[0]["customer_id"], "--out", str(tmp_path / "x.json"),
                home=home)
    assert gone.returncode == 1 and "no customer" in gone.stderr
