"""Campaigns on the real store: the held-out group, the results after the event, and re-resolution.

Twenty people in Paris with a marketing consent are the list; a quarter is held out. Purchases are then
loaded for chosen members of each side, so the expected buyers shares, spend and uplift are counted here from
the rows the test writes; the intervals are checked against published values.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pytest

from geo.campaigns import (
    campaign,
    campaigns,
    held_out_members,
    mean_difference,
    proportion_difference,
    results,
    save_campaign,
    wilson,
)
from geo.invitations import Invitation, invitations
from geo.locate import locate
from geo.near import venue
from graph import Graph, Settings
from graph.errors import InputError
from loaders.run import load_file, plan
from resolution import resolve
from resolution.decisions import decide
from tests.helpers import c360, customer_of, deterministic, one_error_line, query, write_field_sources

FIRST = ["Alice", "Bruno", "Camille", "Denis", "Elise", "Fabien", "Gaelle", "Hugo", "Ines", "Jules", "Karine",
         "Louis", "Manon", "Nicolas", "Oceane", "Pierre", "Quentin", "Rose", "Simon", "Theo"]
PEOPLE = [[f"P{n:02}", name, "Moreau", f"p{n:02}@x.fr", "Paris", "75001", "FR"] for n, name in enumerate(FIRST)]
# Zoé lives in Lyon, without consent: never on the list; two records, so a merge with her keeps her id
ZOE = [["Z1", "Zoé", "Lambert", "zoe@x.fr", "Lyon", "69002", "FR"], ["Z2", "Zoé", "Lambert", "zoe@x.fr", "Lyon",
                                                                    "69002", "FR"]]
PERSON = ["id", "first_name", "last_name", "email", "city", "postcode", "country"]
STORES = [["S1", "c360 Paris Centre", "Paris", "FR", "48.8606", "2.3376"],
          ["S2", "c360 Lyon Part-Dieu", "Lyon", "FR", "45.7606", "4.8596"]]
EVENT = date(2024, 6, 1)
SEED = 7


def load_sources(graph: Graph, directory: Path, home: Path, sources: dict[str, tuple[str, list[str], list[list[str]]]]
          ) -> None:
    write_field_sources(directory, sources)
    for path, mapping in plan([directory]):
        load_file(graph, path, mapping, home)


def till(rows: list[tuple[str, str, str, str]]) -> dict[str, tuple[str, list[str], list[list[str]]]]:
    """Purchases ``(id, at, amount, email)`` at the Paris store, in euros."""
    return {"tills": ("transactions", ["id", "at", "amount", "store", "email", "currency"],
                      [[i, at, amount, "S1", email, "EUR"] for i, at, amount, email in rows])}


@pytest.fixture
def paris(embedded_graph: Graph, embedded_settings: Settings, tmp_path: Path) -> Graph:
    load_sources(embedded_graph, tmp_path / "people", embedded_settings.home, {
        "crm": ("customers", PERSON, PEOPLE + ZOE),
        "stores": ("stores", ["id", "name", "city", "country", "latitude", "longitude"], STORES),
        "consents": ("consents", ["id", "at", "purpose", "granted", "email"],
                     [[f"K{p[0]}", "2024-01-01T00:00:00Z", "marketing_email", "yes", p[3]] for p in PEOPLE])})
    # before the event: everyone bought once, which no window after it may count
    load_sources(embedded_graph, tmp_path / "before", embedded_settings.home,
          till([(f"B{p[0]}", "2024-05-01T10:00:00Z", "99.00", p[3]) for p in PEOPLE]))
    resolve(embedded_graph, deterministic())
    locate(embedded_graph)
    return embedded_graph


def _records(graph: Graph, name: str, arm: str) -> dict[int, set[str]]:
    rows = query(graph, f"MATCH (:Campaign {{name: $name}})-[m:{arm}]->(r:SourceRecord) "
                        "RETURN m.member AS member, r.key AS key", name=name)
    found: dict[int, set[str]] = {}
    for row in rows:
        found.setdefault(row["member"], set()).add(row["key"])
    return found


def test_wilson_and_newcombe_agree_with_the_published_examples() -> None:
    # Newcombe (1998), Statistics in Medicine 17:873-890, table II: 56/70 - 48/80, method 10 (from the two Wilson
    # intervals, so this checks those too)
    difference = proportion_difference(56, 70, 48, 80)
    assert difference.estimate == pytest.approx(0.2)
    assert (round(difference.low, 4), round(difference.high, 4)) == (0.0524, 0.3339)
    # and at the edges, where the normal interval collapses: 0/10 - 0/10 still has width
    low, high = wilson(0, 10)
    assert low == 0 and 0.2 < high < 0.4
    edge = proportion_difference(0, 10, 0, 10)
    assert edge.estimate == 0 and edge.low < 0 < edge.high and edge.low >= -1 and edge.high <= 1


def test_the_bootstrap_interval_holds_the_difference_and_is_seeded() -> None:
    rng = np.random.default_rng(1)
    x, y = rng.exponential(10, 400) * (rng.random(400) < 0.3), rng.exponential(10, 100) * (rng.random(100) < 0.2)
    first, again = mean_difference(x, y, seed=3), mean_difference(x, y, seed=3)
    assert first == again and first.low < first.estimate < first.high
    assert first.estimate == pytest.approx(x.mean() - y.mean())
    # large sides: Welch's normal interval, which the bootstrap's agrees with at this size
    big_x, big_y = np.tile(x, 60), np.tile(y, 60)
    normal = mean_difference(big_x, big_y, seed=3)
    half = 1.959963984540054 * np.sqrt(big_x.var(ddof=1) / len(big_x) + big_y.var(ddof=1) / len(big_y))
    assert (normal.low, normal.high) == pytest.approx((normal.estimate - half, normal.estimate + half))


def test_the_held_out_draw_is_seeded_and_of_the_stated_share() -> None:
    assert held_out_members(20, 0.25, SEED) == held_out_members(20, 0.25, SEED)
    assert len(held_out_members(20, 0.25, SEED)) == 5 and len(held_out_members(7, 0.1, 1)) == 1
    assert held_out_members(20, 0.0, SEED) == []
    with pytest.raises(InputError, match="control"):
        held_out_members(20, 0.8, SEED)


@pytest.mark.store
def test_a_campaign_holds_out_a_share_not_sent(paris: Graph) -> None:
    place = venue(paris, "S1")
    listed = invitations(paris, place, 10)
    assert len(listed) == 20
    saved = save_campaign(paris, "Summer sale", place, 10, EVENT, control_share=0.25, seed=SEED)
    sent = {i.customer_id for i in saved.sent}
    held = {i.customer_id for i in listed} - sent
    assert len(sent) == 15 and len(held) == 5 and sent.isdisjoint(held)
    assert held == {listed[n].customer_id for n in held_out_members(20, 0.25, SEED)}  # the stated draw
    assert [i.customer_id for i in saved.sent] == [i.customer_id for i in listed if i.customer_id in sent]  # order
    # stored: each side's people by their records
    records = {i.customer_id: {r["key"] for r in query(paris, "MATCH (:Customer {id: $id})-[:HAS_RECORD]->(r) "
                                                              "RETURN r.key AS key", id=i.customer_id)}
               for i in listed}
    invited, held_out = _records(paris, "Summer sale", "INVITED"), _records(paris, "Summer sale", "HELD_OUT")
    assert sorted(map(sorted, invited.values())) == sorted(sorted(records[c]) for c in sent)
    assert sorted(map(sorted, held_out.values())) == sorted(sorted(records[c]) for c in held)
    stored = campaign(paris, " Summer sale ")
    assert (stored.invited, stored.held_out, stored.control_share, stored.seed, stored.venue) == \
        (15, 5, 0.25, SEED, "c360 Paris Centre")
    assert stored.event_at == datetime(2024, 6, 1, tzinfo=UTC) and [c.name for c in campaigns(paris)] == ["Summer sale"]
    with pytest.raises(InputError, match="exists already"):
        save_campaign(paris, "Summer sale", place, 10, EVENT)
    with pytest.raises(InputError, match="no one to invite"):
        save_campaign(paris, "Nobody", venue(paris, "S2"), 1, EVENT)


def _emails(items: list[Invitation]) -> list[str]:
    return sorted(str(i.email) for i in items)


@pytest.mark.store
def test_results_count_the_window_and_survive_re_resolution(paris: Graph, embedded_settings: Settings,
                                                            tmp_path: Path) -> None:
    place = venue(paris, "S1")
    listed = invitations(paris, place, 10)
    saved = save_campaign(paris, "Summer sale", place, 10, EVENT, control_share=0.25, seed=SEED)
    invited = _emails(saved.sent)
    held = sorted(set(_emails(listed)) - set(invited))
    buyers, control_buyer, quiet = invited[:6], held[0], invited[-1]
    load_sources(paris, tmp_path / "after", embedded_settings.home, till(
        [(f"A{n}", "2024-06-02T10:00:00Z", "10.00", email) for n, email in enumerate(buyers)]
        + [("A90", "2024-06-30T23:00:00Z", "5.00", buyers[0]),  # a second basket, inside the window
           ("A91", "2024-07-01T00:00:00Z", "500.00", quiet),  # the window's end is not in it
           ("A92", "2024-06-10T10:00:00Z", "30.00", control_buyer),
           ("A93", "2024-06-12T10:00:00Z", "50.00", "zoe@x.fr")]))  # not on the list
    resolve(paris, deterministic())

    found = results(paris, "Summer sale", days=30)
    assert (found.since, found.until) == (datetime(2024, 6, 1, tzinfo=UTC), datetime(2024, 7, 1, tzinfo=UTC))
    assert not found.open and found.currency == "EUR"
    assert (found.invited.people, found.invited.buyers, found.invited.purchases, found.invited.spend_minor) == \
        (15, 6, 7, 6500)
    assert (found.held_out.people, found.held_out.buyers, found.held_out.purchases, found.held_out.spend_minor) == \
        (5, 1, 1, 3000)
    assert found.invited.buyers_share == 6 / 15 and found.held_out.buyers_share == 1 / 5
    assert found.buyers_uplift is not None and found.buyers_uplift.estimate == pytest.approx(6 / 15 - 1 / 5)
    assert found.buyers_uplift.low < found.buyers_uplift.estimate < found.buyers_uplift.high
    assert found.spend_uplift_minor is not None
    assert found.spend_uplift_minor.estimate == pytest.approx(6500 / 15 - 3000 / 5)
    revenue = found.incremental_revenue_minor
    assert revenue is not None and revenue.estimate == pytest.approx((6500 / 15 - 3000 / 5) * 15)
    assert found.shared == 0
    assert results(paris, "Summer sale", days=31).invited.spend_minor == 56500  # the 1 July basket, now inside

    # a full re-resolution changes nothing
    resolve(paris, deterministic(), full=True)
    again = results(paris, "Summer sale", days=30)
    assert (again.invited, again.held_out, again.buyers_uplift) == (found.invited, found.held_out, found.buyers_uplift)

    # the quiet invitee turns out to be Zoé: merged into her two-record profile, their customer id is gone, and
    # Zoé's purchase in the window is now the invitee's
    quiet_id = customer_of(paris, f"email:{quiet}")
    quiet_record = query(paris, "MATCH (:Customer {id: $id})-[:HAS_RECORD]->(r) RETURN r.key AS key", id=quiet_id)
    decide(paris, quiet_record[0]["key"], "crm:Z1", same=True, by="steward", why="same person", rules=deterministic())
    assert not query(paris, "MATCH (c:Customer {id: $id}) RETURN c.id AS id", id=quiet_id)
    merged = results(paris, "Summer sale", days=30)
    assert (merged.invited.people, merged.invited.buyers, merged.invited.spend_minor) == (15, 7, 11500)
    assert merged.held_out == found.held_out and merged.shared == 0


@pytest.mark.store
def test_the_command_line_saves_a_campaign_and_prints_its_results(paris: Graph, embedded_settings: Settings,
                                                                  tmp_path: Path) -> None:
    out = tmp_path / "sent.csv"
    home = embedded_settings.home
    done = c360("invite", "--venue", "S1", "--radius", "10", "--out", str(out), "--campaign", "June <b>",
                "--event-date", "2024-06-01", "--control", "0.1", "--seed", "3", home=home)
    assert done.returncode == 0, done.stderr
    assert "18 invited, 2 held out" in done.stdout
    assert len(out.read_text(encoding="utf-8").strip().splitlines()) == 1 + 18
    shown = c360("campaign", "results", "June <b>", "--days", "30", home=home)
    assert shown.returncode == 0, shown.stderr
    assert "invited       18 people      0 buyers (0.0%)" in shown.stdout, shown.stdout
    assert one_error_line(c360("campaign", "results", "nope", home=home)) == "error: no campaign named 'nope'"
    assert one_error_line(c360("invite", "--venue", "S1", "--radius", "10", "--out", str(out), "--campaign", "x",
                               "--event-date", "June", home=home)) == \
        "error: --event-date: not a day YYYY-MM-DD: 'June'"
