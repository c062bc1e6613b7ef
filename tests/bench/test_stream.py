"""The streaming benchmark's web log: real browsers' user agents per visitor, and the loader keeps them."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from bench.stream import MAPPING, USER_AGENTS, bare_rows, event_rows, write_events
from graph import Graph, Settings
from loaders.mapping import mapping_for
from loaders.run import load_file
from tests.helpers import query


def test_each_visitor_keeps_one_real_user_agent_and_clicks_carry_referrers() -> None:
    rows = list(event_rows(3_000))
    agents: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        agents[row["cookie_id"]].add(row["ua"])
    assert all(len(seen) == 1 for seen in agents.values())
    seen = {ua for row in rows for ua in [row["ua"]]}
    assert seen <= {ua for ua, _ in USER_AGENTS} and len(seen) >= 10
    assert any("Mobile" in ua for ua in seen) and any("Windows NT" in ua for ua in seen)
    assert any("Googlebot" in ua for ua in seen)
    assert sum(row["referrer"] is not None for row in rows) > len(rows) / 2
    assert sum(len(row["url"]) for row in rows) / len(rows) > 80


def test_bare_rows_are_the_same_clicks_without_what_real_rows_carry() -> None:
    real, bare = list(event_rows(500)), list(bare_rows(500))
    assert [(r["ts"], r["cookie_id"]) for r in real] == [(b["ts"], b["cookie_id"]) for b in bare]
    assert all("ua" not in b and "referrer" not in b and b["url"].startswith("/fr-fr/") for b in bare)


def test_the_loader_stores_the_sessions_user_agents(embedded_graph: Graph, embedded_settings: Settings,
                                                   tmp_path: Path) -> None:
    data = tmp_path / "web.jsonl"
    (tmp_path / "web.toml").write_text(MAPPING)
    write_events(data, 400)
    summary = load_file(embedded_graph, data, mapping_for(data), embedded_settings.home)
    assert (summary.read, summary.rejected) == (400, 0)

    stored = query(embedded_graph, "MATCH (s:WebSession)-[:FROM]->(c:Identifier) "
                                   "RETURN c.value AS cookie, s.user_agent AS ua, s.pages AS pages")
    sent = {row["cookie_id"]: row["ua"] for row in event_rows(400)}
    assert len(stored) == summary.written > 50
    assert all(row["ua"] == sent[row["cookie"]] for row in stored)
    assert all(page.startswith("https://") for row in stored for page in row["pages"])
