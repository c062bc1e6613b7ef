"""The change feed's other kinds, each written in the transaction of its change: a consent taken at the desk,
a restriction and its lifting, segment moves of a scoring run."""

from __future__ import annotations

from pathlib import Path

import pytest

from desk.consents import record_consent
from graph import Graph, Settings, outbox
from privacy import restrictions
from resolution import resolve
from scoring.score import score_customers
from tests.geo.test_marketing import load_all, write_sources
from tests.helpers import customer_of

pytestmark = pytest.mark.store


def _kinds(graph: Graph, since: int, *kinds: str) -> list[outbox.ChangeEvent]:
    return [e for e in outbox.after(graph, since, limit=10_000) if e.kind in kinds]


def test_consent_restriction_and_segment_moves_are_fed(embedded_graph: Graph, embedded_settings: Settings,
                                                       tmp_path: Path) -> None:
    graph = embedded_graph
    load_all(graph, write_sources(tmp_path / "sources"), embedded_settings.home)
    resolve(graph)
    anne = customer_of(graph, "email:anne@x.fr")

    start = outbox.head(graph)
    score_customers(graph)
    entered = _kinds(graph, start, "segment_entered", "segment_left")
    segments = {r["id"]: r["segment"] for r in graph.read("scoring_customers")}
    assert {e.customer_id: e.payload["segment"] for e in entered} == segments  # every first segment, none left
    assert {e.kind for e in entered} == {"segment_entered"}
    again = outbox.head(graph)
    score_customers(graph)
    assert _kinds(graph, again, "segment_entered", "segment_left") == []  # nothing moved: nothing said

    before = outbox.head(graph)
    change = record_consent(graph, anne, "marketing_sms", True, None, "agent-7", proof="call 1")
    [consent] = _kinds(graph, before, "consent_changed")
    assert (consent.customer_id, consent.origin) == (anne, "service-desk")
    assert {k: consent.payload[k] for k in ("purpose", "channel", "granted")} == {
        "purpose": "marketing", "channel": "sms", "granted": True}
    assert change.key

    before = outbox.head(graph)
    restrictions.restrict(graph, anne, "profiling", by="dpo", why="dispute")
    restrictions.lift(graph, anne, "profiling", by="dpo", why="settled")
    fed = _kinds(graph, before, "restricted", "segment_left")
    assert [(e.kind, e.customer_id, e.payload) for e in fed] == [
        ("segment_left", anne, {"segment": segments[anne]}),  # her scores go at once
        ("restricted", anne, {"restricted": True, "purpose": "profiling", "kind": "restriction"}),
        ("restricted", anne, {"restricted": False, "purpose": "profiling", "kind": "lifted"})]
    score_customers(graph)  # scored again once lifted: she enters a segment again
    assert [e.customer_id for e in _kinds(graph, fed[-1].seq, "segment_entered")] == [anne]


def test_a_loaded_consent_is_fed_once_per_customer_it_reaches(embedded_graph: Graph, embedded_settings: Settings,
                                                              tmp_path: Path) -> None:
    graph = embedded_graph
    load_all(graph, write_sources(tmp_path / "sources"), embedded_settings.home)
    assert _kinds(graph, 0, "consent_changed") == []  # loaded before resolution: nobody to tell yet
    resolve(graph)
    anne = customer_of(graph, "email:anne@x.fr")
    later = tmp_path / "later"
    later.mkdir()
    (later / "consents.toml").write_text((tmp_path / "sources" / "consents.toml").read_text(), encoding="utf-8")
    (later / "consents.csv").write_text("id,at,purpose,granted,email\n"
                                        "K9,2025-01-01T00:00:00Z,Marketing SMS,no,anne@x.fr\n", encoding="utf-8")
    before = outbox.head(graph)
    load_all(graph, later, embedded_settings.home)
    [fed] = _kinds(graph, before, "consent_changed")
    assert (fed.customer_id, fed.origin) == (anne, "consents")
    assert {k: fed.payload[k] for k in ("purpose", "channel", "granted")} == {
        "purpose": "marketing", "channel": "sms", "granted": False}
    again = outbox.head(graph)
    load_all(graph, later, embedded_settings.home)  # the same row again: nothing changed, nothing said
    assert _kinds(graph, again, "consent_changed") == []
