"""The explorer's data route masks on the server: walked breadth-first from one customer as each role.

On the store of ``test_masking_paths`` (a customer with every identifier type, exact coordinates, a ticket
and a staff note quoting her personal values, sessions from two cookies, a correction), every node the
explorer shows is expanded in turn, as far as it reaches; every raw answer is searched for each value the
role may not see, in the forms ``test_masking_paths`` searches. Admins must see every one of them somewhere,
so their absence for other roles means something.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from starlette.testclient import TestClient

from api.app import create_app
from graph import Settings, open_graph
from tests.api.test_masking_paths import EMAIL, HIDDEN_FROM, ROLES, load_helene, shown_secrets, unseen_secrets
from tests.conftest import clear
from tests.helpers import bearer

pytestmark = pytest.mark.store

#: every label her neighbourhood holds: a walk that misses one checked less than it claims
HER_LABELS = {"Customer", "SourceRecord", "Identifier", "Home", "Store", "Transaction", "Ticket", "TicketNote",
              "WebSession", "ConsentEvent", "Purpose", "Segment"}


@dataclass(frozen=True)
class Explorer:
    client: TestClient
    settings: Settings
    helene: str


@pytest.fixture(scope="module")
def explorer(embedded_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Explorer]:
    with open_graph(embedded_settings) as graph:
        clear(graph)
        helene = load_helene(graph, embedded_settings.home, tmp_path_factory.mktemp("explore-sources"))
        with TestClient(create_app(embedded_settings)) as client:
            yield Explorer(client, embedded_settings, helene)
        clear(graph)


def _walk(explorer: Explorer, role: str, most: int = 400) -> tuple[list[str], set[str]]:
    """Every answer of a breadth-first walk from her profile, and the labels of the nodes it showed."""
    headers = bearer(explorer.settings, role)
    first = explorer.client.get("/explore/neighbours", params={"customer": explorer.helene}, headers=headers)
    assert first.status_code == 200, first.text
    bodies, labels, queue, seen = [first.text], set(), [first.json()], {first.json()["centre"]}
    while queue and len(seen) < most:
        answer = queue.pop(0)
        for node in answer["nodes"]:
            labels.add(node["label"])
            if node["id"] in seen:
                continue
            seen.add(node["id"])
            response = explorer.client.get("/explore/neighbours", params={"node": node["id"]}, headers=headers)
            assert response.status_code == 200, response.text
            bodies.append(response.text)
            queue.append(response.json())
    return bodies, labels


@pytest.mark.parametrize("role", ROLES)
def test_the_explorer_shows_only_what_the_role_may_see(explorer: Explorer, role: str) -> None:
    bodies, labels = _walk(explorer, role)
    assert labels == HER_LABELS, f"the walk did not reach {HER_LABELS - labels}"
    assert explorer.helene in bodies[0]
    shown = {found for body in bodies for found in shown_secrets(body, HIDDEN_FROM[role])}
    assert shown == set(), f"{role} sees {sorted(shown)}"


def test_admins_see_every_secret_somewhere_in_the_explorer(explorer: Explorer) -> None:
    bodies, _ = _walk(explorer, "admin")
    assert unseen_secrets(" ".join(bodies)) == set()


def test_an_analyst_reads_no_masked_field_and_no_free_text(explorer: Explorer) -> None:
    """Hidden fields are absent (not null), identifiers pseudonymised, free text withheld."""
    headers = bearer(explorer.settings, "analyst")
    body = explorer.client.get("/explore/neighbours", params={"customer": explorer.helene}, headers=headers).json()
    her = next(n for n in body["nodes"] if n["id"] == explorer.helene)
    assert not {"first_name", "last_name", "birth_date", "street", "house_number"} & set(her["properties"])
    assert her["properties"]["email"].startswith("psn:")
    assert her["properties"]["city"] == "Paris" and her["caption"] == explorer.helene
    records = [n for n in body["nodes"] if n["label"] == "SourceRecord"]
    assert records and all(":psn:" in r["properties"]["key"] for r in records)
    bodies, _ = _walk(explorer, "analyst")
    nodes = [n for text in bodies for n in json.loads(text)["nodes"]]
    assert all("subject" not in n["properties"] and "text" not in n["properties"] for n in nodes)
    identifiers = [n for n in nodes if n["label"] == "Identifier"]
    assert identifiers and all(n["properties"]["value"].startswith("psn:") for n in identifiers)


def test_marketing_never_reaches_a_national_id(explorer: Explorer) -> None:
    """An identifier of a type the role may not see at all is neither shown nor counted."""
    for role, expected in (("marketing", False), ("agent", True)):
        bodies, _ = _walk(explorer, role)
        assert any('"type":"national_id"' in body for body in bodies) is expected, role


def test_an_analyst_may_not_start_from_a_value_it_sees_masked(explorer: Explorer) -> None:
    response = explorer.client.get("/explore/neighbours", params={"type": "email", "value": EMAIL},
                                   headers=bearer(explorer.settings, "analyst"))
    assert response.status_code == 403
    assert response.json()["message"].startswith("type: the analyst role may not look customers up by email")
