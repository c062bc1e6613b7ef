"""Identity resolution behaviours on the real embedded store: hubs, conflicts, fuzzy, explain, undo, incremental."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from faker import Faker

from graph import Graph
from loaders.run import load_file, plan
from resolution import resolve
from resolution.decisions import decide
from resolution.explain import explain
from resolution.rules import Rules, default_rules
from tests.helpers import rules_with, write_people

pytestmark = pytest.mark.store

CLUSTERS = "MATCH (c:Customer)-[:HAS_RECORD]->(r:SourceRecord) RETURN r.key AS key, c.id AS customer"


def _load(graph: Graph, directory: Path) -> None:
    for path, mapping in plan([directory]):
        load_file(graph, path, mapping, directory / "home")


def _customer_of(graph: Graph) -> dict[str, str]:
    records, _, _ = graph.driver.execute_query(CLUSTERS, database_=graph.database)
    return {r["key"]: r["customer"] for r in records}


def _partition(graph: Graph) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for key, customer in _customer_of(graph).items():
        groups.setdefault(customer, set()).add(key)
    return {frozenset(g) for g in groups.values()}


def _person(id_: str, first: str, last: str, **fields: str) -> dict[str, str]:
    return {"id": id_, "first_name": first, "last_name": last, **fields}


def test_hub_value_is_blocked_and_reported(embedded_graph: Graph, tmp_path: Path) -> None:
    rows = [_person(str(i), f"Name{i}", f"Other{i}", email="desk@shop.com") for i in range(1, 6)]
    rows += [_person("6", "Ann", "Lee", email="ann@x.com"), _person("7", "Anne", "Lee", email="ann@x.com")]
    write_people(tmp_path, "crm", rows)
    _load(embedded_graph, tmp_path)
    resolve(embedded_graph, rules_with(email={"max_records": 4}))
    partition = _partition(embedded_graph)
    assert frozenset({"crm:6", "crm:7"}) in partition
    assert all(frozenset({f"crm:{i}"}) in partition for i in range(1, 6))
    report = {r["key"]: r for r in embedded_graph.read("resolve_blocked_report")}
    assert report["email:desk@shop.com"]["reason"] == "hub"
    assert report["email:desk@shop.com"]["records"] == 5 and report["email:desk@shop.com"]["profiles"] == 5
    assert "email:ann@x.com" not in report



def test_a_value_links_at_exactly_max_records_and_unlinks_when_a_later_load_makes_it_a_hub(
        embedded_graph: Graph, tmp_path: Path) -> None:
    """The limit is inclusive (``records > max_records`` is a hub): four records sharing an email with
    ``max_records = 4`` are one person; a fifth, loaded later, turns the value into a hub, and the next
    incremental run must undo the links it made, not keep them."""
    rules = rules_with(email={"max_records": 4})
    rows = [_person(str(i), f"Name{i}", f"Other{i}", email="family@x.com") for i in range(1, 5)]
    write_people(tmp_path, "crm", rows)
    _load(embedded_graph, tmp_path)
    resolve(embedded_graph, rules)
    assert _partition(embedded_graph) == {frozenset(f"crm:{i}" for i in range(1, 5))}
    assert "email:family@x.com" not in {r["key"] for r in embedded_graph.read("resolve_blocked_report")}
    write_people(tmp_path, "crm", [*rows, _person("5", "Name5", "Other5", email="family@x.com")])
    _load(embedded_graph, tmp_path)
    assert resolve(embedded_graph, rules).mode != "full"
    assert _partition(embedded_graph) == {frozenset({f"crm:{i}"}) for i in range(1, 6)}
    report = {r["key"]: r for r in embedded_graph.read("resolve_blocked_report")}
    assert (report["email:family@x.com"]["reason"], report["email:family@x.com"]["records"]) == ("hub", 5)

def test_blocklisted_pattern_links_nothing(embedded_graph: Graph, tmp_path: Path) -> None:
    rules = default_rules()
    rules = rules.model_copy(update={"identifiers": {**rules.identifiers,
                                                     "phone": rules.identifiers["phone"].model_copy(
                                                         update={"link": True})}})
    write_people(tmp_path, "crm", [_person("1", "Ann", "Lee", phone="+33600000000"),
                                   _person("2", "Bob", "Kay", phone="+33600000000")])
    _load(embedded_graph, tmp_path)
    resolve(embedded_graph, rules)
    assert len(_partition(embedded_graph)) == 2
    report = embedded_graph.read("resolve_blocked_report")
    assert [(r["key"], r["reason"]) for r in report] == [("phone:+33600000000", "blocklist pattern")]


def test_conflicting_exclusive_identifiers_split_at_the_weakest_link(embedded_graph: Graph, tmp_path: Path) -> None:
    # a father and his son share a name and the family email; their national ids say they are two people
    write_people(tmp_path, "crm", [
        _person("1", "Jean", "Martin", email="family@x.com", national_id="1850775123456"),
        _person("2", "Jean", "Martin", email="family@x.com", national_id="1900375654321"),
        _person("3", "Jean", "Martin", email="family@x.com", customer_number="CN1"),
        _person("4", "Jean", "Martin", customer_number="CN1"),
    ])
    _load(embedded_graph, tmp_path)
    summary = resolve(embedded_graph)
    customer = _customer_of(embedded_graph)
    assert customer["crm:1"] != customer["crm:2"]
    assert summary.components_split == 1 and summary.links_cut >= 1
    assert customer["crm:3"] == customer["crm:4"]  # nothing keeps the customer number's two records apart
    why = explain(embedded_graph, "crm:1", "crm:2", default_rules())
    assert not why.together
    assert any("different national_ids that cannot be a typo" in reason for reason in why.reasons)


def test_a_typo_in_a_national_id_is_one_person(embedded_graph: Graph, tmp_path: Path) -> None:
    """Two characters swapped is a slip of the same number: no conflict, and the model links them; two valid
    numbers further apart are two people, even when an email joins their records."""
    write_people(tmp_path, "crm", [
        _person("1", "Anna", "de Vries", birth_date="1980-05-17", national_id="111222333", email="anna@x.nl"),
        _person("2", "Anna", "de Vries", birth_date="1980-05-17", national_id="111223233"),  # two digits swapped
        _person("3", "Bram", "Jansen", birth_date="1975-01-02", national_id="123456782", email="bj@x.nl"),
        _person("4", "Bram", "Jansen", birth_date="1975-01-02", national_id="123456782", email="bram@y.nl"),
        _person("5", "Bram", "Jansen", birth_date="1975-01-02", national_id="111222333", email="bj@x.nl"),
    ])
    _load(embedded_graph, tmp_path)
    resolve(embedded_graph)
    customer = _customer_of(embedded_graph)
    assert customer["crm:1"] == customer["crm:2"], "a transposition in the national id is the same person"
    assert customer["crm:3"] == customer["crm:4"] != customer["crm:5"]


def test_fuzzy_matching_finds_records_without_shared_identifiers(embedded_graph: Graph, tmp_path: Path) -> None:
    home = {"street": "12 rue des Lilas", "postcode": "75011", "city": "Paris", "country": "FR"}
    write_people(tmp_path, "crm", [
        _person("1", "Zoé", "Lefèvre", birth_date="1984-03-07", **home),
        _person("2", "Marc", "Lefèvre", birth_date="1982-11-23", phone="+33612345678", **home),  # her husband
        _person("3", "Lucas", "Girard", birth_date="1990-06-15", postcode="69003", city="Lyon", country="FR"),
    ])
    write_people(tmp_path, "shop", [
        _person("a", "ZOE", "LEFEVRE", birth_date="1984-07-03", postcode="75011", city="Paris"),  # day/month
        _person("b", "Girard", "Lucsa", birth_date="1990-06-15", postcode="69004", city="Lyon"),  # swapped, typo
        _person("c", "Marc", "Lefevre", birth_date="1982-11-23", phone="+33612345678"),
    ])
    fake = Faker("fr_FR")
    fake.seed_instance(5)
    filler = [_person(f"f{i}", fake.first_name(), fake.last_name(), birth_date=fake.date_of_birth().isoformat(),
                      postcode=fake.postcode(), city=fake.city()) for i in range(300)]
    write_people(tmp_path, "filler", filler)
    _load(embedded_graph, tmp_path)
    resolve(embedded_graph)
    customer = _customer_of(embedded_graph)
    assert customer["crm:1"] == customer["shop:a"]
    assert customer["crm:3"] == customer["shop:b"]
    assert customer["crm:2"] == customer["shop:c"]
    assert customer["crm:1"] != customer["crm:2"], "a household is not one person"
    why = explain(embedded_graph, "crm:1", "shop:a", default_rules())
    assert why.together and why.hops[0].evidence == "SIMILAR_TO" and why.hops[0].rule.startswith("matching:")
    assert why.hops[0].score is not None and why.hops[0].score >= default_rules().matching.threshold


def test_explain_shows_each_hop_and_why_records_are_apart(embedded_graph: Graph, tmp_path: Path) -> None:
    write_people(tmp_path, "crm", [
        _person("1", "Ann", "Lee", email="ann@x.com"),
        _person("2", "Ann", "Lee", email="ann@x.com", customer_number="CN7"),
        _person("3", "A", "Lee", customer_number="CN7"),
        _person("4", "Bob", "Kay", email="test@test.com"),
        _person("5", "Eve", "Roe", email="test@test.com"),
    ])
    _load(embedded_graph, tmp_path)
    resolve(embedded_graph)
    joined = explain(embedded_graph, "crm:1", "crm:3", default_rules())
    assert joined.together
    assert [(h.left, h.evidence, h.right) for h in joined.hops] == [
        ("crm:1", "email:ann@x.com", "crm:2"), ("crm:2", "customer_number:CN7", "crm:3")]
    apart = explain(embedded_graph, "crm:4", "crm:5", default_rules())
    assert not apart.together and not apart.hops
    assert any("email:test@test.com" in r and "blocklist" in r for r in apart.reasons)


def test_manual_split_and_merge_survive_full_reruns(embedded_graph: Graph, tmp_path: Path) -> None:
    write_people(tmp_path, "crm", [_person("1", "Ann", "Lee", email="shared@x.com"),
                                   _person("2", "Bob", "Kay", email="shared@x.com"),
                                   _person("3", "Cy", "Dee", email="cy@x.com")])
    _load(embedded_graph, tmp_path)
    resolve(embedded_graph)
    rules = default_rules()
    decide(embedded_graph, "crm:1", "crm:2", same=False, by="agent-7", why="two people, one inbox", rules=rules)
    assert _customer_of(embedded_graph)["crm:1"] != _customer_of(embedded_graph)["crm:2"]
    decide(embedded_graph, "crm:2", "crm:3", same=True, by="agent-7", why="same person, confirmed", rules=rules)
    for _ in range(2):
        resolve(embedded_graph, full=True)
        customer = _customer_of(embedded_graph)
        assert customer["crm:1"] != customer["crm:2"] and customer["crm:2"] == customer["crm:3"]
    why = explain(embedded_graph, "crm:1", "crm:2", rules)
    assert any("agent-7" in r and "one inbox" in r for r in why.reasons)
    audit = embedded_graph.driver.execute_query(
        "MATCH (e:AuditEvent) RETURN e.kind AS kind, e.by AS by ORDER BY e.at", database_=embedded_graph.database)[0]
    assert [(r["kind"], r["by"]) for r in audit] == [("split", "agent-7"), ("merge", "agent-7")]


@pytest.mark.parametrize("cached", [True, False], ids=["feature-cache", "no-cache"])
def test_incremental_run_equals_a_full_run(embedded_graph: Graph, tmp_path: Path, cached: bool) -> None:
    cache = tmp_path / "cache" if cached else None
    first = [_person(str(i), f"P{i}", f"Q{i}", email=f"p{i % 40}@x.com", birth_date=f"19{60 + i % 30}-05-0{1 + i % 8}",
                     postcode=f"{20000 + i % 55}") for i in range(120)]
    write_people(tmp_path / "a", "crm", first)
    _load(embedded_graph, tmp_path / "a")
    assert resolve(embedded_graph, cache_dir=cache).mode == "full"
    later = [_person(f"n{i}", f"P{i}", f"Q{i}", email=f"p{(i * 7) % 45}@x.com", customer_number=f"CN{i % 5}",
                     birth_date=f"19{60 + i % 30}-05-0{1 + i % 8}", postcode=f"{20000 + i % 55}") for i in range(15)]
    write_people(tmp_path / "b", "web", later)
    _load(embedded_graph, tmp_path / "b")
    incremental = resolve(embedded_graph, cache_dir=cache)
    assert incremental.mode == "incremental" and incremental.records < 135
    after_incremental = _partition(embedded_graph)
    assert cache is None or len(list(cache.glob("records-*.pickle"))) == 1
    full = resolve(embedded_graph, full=True)
    assert full.mode == "full" and full.records_moved == 0
    assert _partition(embedded_graph) == after_incremental


def test_golden_record_prefers_the_most_trusted_source(embedded_graph: Graph, tmp_path: Path) -> None:
    write_people(tmp_path, "loyalty", [_person("L1", "Jon", "Smyth", email="jon@x.com", city="Lile")])
    write_people(tmp_path, "crm", [_person("C1", "John", "Smith", email="jon@x.com")])
    _load(embedded_graph, tmp_path)
    resolve(embedded_graph)
    golden: dict[str, Any] = embedded_graph.driver.execute_query(
        "MATCH (c:Customer)-[:HAS_RECORD]->(:SourceRecord {key: 'crm:C1'}) RETURN properties(c) AS p",
        database_=embedded_graph.database)[0][0]["p"]
    sources = dict(item.split("=", 1) for item in golden["value_sources"])
    assert (golden["first_name"], sources["first_name"]) == ("John", "crm:C1")
    assert (golden["city"], sources["city"]) == ("Lile", "loyalty:L1")  # only the loyalty record has one


def test_rules_file_errors_name_the_key(tmp_path: Path) -> None:
    from graph.errors import InputError
    from resolution.rules import load_rules

    bad = tmp_path / "rules.toml"
    bad.write_text("[identifiers.email]\nmax_records = 1\nlinks = true\n")
    with pytest.raises(InputError) as error:
        load_rules(bad)
    assert "identifiers.email.max_records" in str(error.value) and "identifiers.email.links" in str(error.value)
    assert isinstance(load_rules(None), Rules)


def test_fuzzy_only_records_reach_the_quality_target_and_match_networkx(embedded_graph: Graph, tmp_path: Path
                                                                         ) -> None:
    """Records sharing no identifier (slips in names, dates, addresses; households): F1 >= 0.99, and the
    database's components equal networkx's over the same SIMILAR_TO edges."""
    import networkx as nx

    from resolution.quality import pairwise_quality, read_clusters
    from synthetic.lookalikes import write_lookalikes

    written = write_lookalikes(1500, tmp_path / "data")
    _load(embedded_graph, tmp_path / "data")
    resolve(embedded_graph)
    customer = _customer_of(embedded_graph)
    quality = pairwise_quality(customer, read_clusters(written.truth, "person_id"))
    assert quality.f1 >= 0.99, quality
    reference: nx.Graph[str] = nx.Graph()
    reference.add_nodes_from(customer)
    reference.add_edges_from((r["a"], r["b"]) for r in embedded_graph.read("resolve_similar_edges"))
    assert _partition(embedded_graph) == {frozenset(c) for c in nx.connected_components(reference)}
    assert reference.number_of_edges() > 500  # the data really needs fuzzy links


def test_cli_report_explain_split(embedded_graph: Graph, embedded_settings: Any, tmp_path: Path) -> None:
    from tests.helpers import c360

    write_people(tmp_path, "crm", [_person("1", "Ann", "Lee", email="ann@x.com"),
                                   _person("2", "Ann", "Lee", email="ann@x.com"),
                                   _person("3", "Bob", "Kay", email="noemail@example.com"),
                                   _person("4", "Eve", "Roe", email="noemail@example.com")])
    home = embedded_settings.home
    assert c360("load", str(tmp_path), "--quiet", home=home).returncode == 0
    report = c360("resolve", "--report", home=home)
    assert report.returncode == 0, report.stderr
    assert "resolve (full)" in report.stdout and "email:noemail@example.com" in report.stdout
    explained = c360("explain", "crm:1", "crm:2", home=home)
    assert explained.returncode == 0 and "same customer" in explained.stdout and "email:ann@x.com" in explained.stdout
    missing = c360("explain", "crm:1", "crm:99", home=home)
    assert missing.returncode == 1 and "no source record 'crm:99'" in missing.stderr
    no_reason = c360("split", "crm:1", "crm:2", "--by", "agent-1", "--why", " ", home=home)
    assert no_reason.returncode == 1 and "--why" in no_reason.stderr
    split = c360("split", "crm:1", "crm:2", "--by", "agent-1", "--why", "twins", home=home)
    assert split.returncode == 0 and "resolve (incremental)" in split.stdout, split.stderr
    apart = c360("explain", "crm:1", "crm:2", home=home)
    assert "different customers" in apart.stdout and "twins" in apart.stdout


def test_cli_waterfall_and_model_charts(embedded_graph: Graph, embedded_settings: Any, tmp_path: Path) -> None:
    """A probabilistic match explained as text and as Splink's waterfall chart; the model's own charts."""
    from tests.helpers import c360

    write_people(tmp_path / "sources", "crm", [_person("1", "Zacharie", "Aubert", phone="+33611223344",
                                                       postcode="75011", city="Paris")])
    write_people(tmp_path / "sources", "shop", [_person("9", "Z.", "Aubert", phone="+33611223344",
                                                        postcode="75011", city="Paris")])
    home = embedded_settings.home
    assert c360("load", str(tmp_path / "sources"), "--quiet", home=home).returncode == 0
    charts = tmp_path / "model"
    resolved = c360("resolve", "--model-report", str(charts), home=home)
    assert resolved.returncode == 0, resolved.stderr
    assert {p.name for p in charts.iterdir()} == {"match_weights.html", "m_u_parameters.html"}
    page = tmp_path / "waterfall.html"
    explained = c360("explain", "crm:1", "shop:9", "--html", str(page), home=home)
    assert explained.returncode == 0, explained.stderr
    lines = explained.stdout.splitlines()
    assert any("first name given as initials" in line for line in lines)
    assert any("same phone" in line for line in lines) and any("= match weight" in line for line in lines)
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "vega" in html and "cdn.jsdelivr" not in html  # offline


def test_runs_recorded_by_an_older_version_lead_to_a_full_run(embedded_graph: Graph, tmp_path: Path) -> None:
    embedded_graph.driver.execute_query("CREATE (:ResolutionRun {run_id: 'old', at: datetime()})",
                                        database_=embedded_graph.database)
    write_people(tmp_path, "crm", [_person("1", "Ann", "Lee", email="ann@x.com"),
                                   _person("2", "Ann", "Lee", email="ann@x.com")])
    _load(embedded_graph, tmp_path)
    assert resolve(embedded_graph).mode == "full"
    assert len(_partition(embedded_graph)) == 1


def test_households_twins_and_married_names(embedded_graph: Graph, tmp_path: Path) -> None:
    """Twins share a birth date, a home, a phone and the family email: two people (the same surname with a
    clearly different first name weighs strongly against, trained or not: ``matching.households``). A woman
    known by her married name in one source and her birth name in another, with her birth date and email:
    one."""
    home = {"street": "4 Kerkstraat", "postcode": "3512AB", "city": "Utrecht", "country": "NL"}
    write_people(tmp_path, "crm", [
        _person("t1", "Daan", "de Boer", birth_date="2001-06-12", phone="+31612345678",
                email="fam.deboer@x.nl", **home),
        _person("t2", "Sem", "de Boer", birth_date="2001-06-12", phone="+31612345678",
                email="fam.deboer@x.nl", **home),
        _person("m1", "Eva", "Jansen", birth_date="1979-02-28", email="eva.j@x.nl", postcode="1011AA",
                city="Amsterdam", country="NL"),
    ])
    write_people(tmp_path, "shop", [
        _person("t1b", "Daan", "de Boer", birth_date="2001-06-12", email="fam.deboer@x.nl", **home),
        _person("m2", "Eva", "Bakker", birth_date="1979-02-28", email="eva.j@x.nl", postcode="1011AA",
                city="Amsterdam", country="NL"),
    ])
    _load(embedded_graph, tmp_path)
    resolve(embedded_graph)
    customer = _customer_of(embedded_graph)
    assert customer["crm:t1"] != customer["crm:t2"], "twins are two people"
    assert customer["crm:t1"] == customer["shop:t1b"]
    assert customer["crm:m1"] == customer["shop:m2"], "a married name is the same person"
    report = {r["key"]: r["reason"] for r in embedded_graph.read("resolve_blocked_report")}
    assert report["email:fam.deboer@x.nl"] == "household"
    apart = explain(embedded_graph, "crm:t1", "crm:t2", default_rules())
    assert any("household" in reason for reason in apart.reasons)
