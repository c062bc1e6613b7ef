"""The constrained split on its own: never joins forbidden records, never joins what links do not join."""

from __future__ import annotations

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from resolution.constraints import SAME_AS_STRENGTH, Link, Rules, has_conflict, split

KEYS = [f"r{i}" for i in range(12)]
links_strategy = st.lists(st.tuples(st.sampled_from(KEYS), st.sampled_from(KEYS),
                                    st.sampled_from([0.6, 0.9, 0.95, 0.99, SAME_AS_STRENGTH])), max_size=30)
values_strategy = st.dictionaries(st.sampled_from(KEYS), st.sampled_from(["A", "B", "C"]), max_size=6)
refusals_strategy = st.lists(st.tuples(st.sampled_from(KEYS), st.sampled_from(KEYS)), max_size=3)


@settings(max_examples=300, deadline=None)
@given(links_strategy, values_strategy, refusals_strategy)
def test_split_respects_constraints_and_links(raw: list[tuple[str, str, float]], values: dict[str, str],
                                              refusals: list[tuple[str, str]]) -> None:
    links = [Link(s, a, b, "SAME_AS" if s == SAME_AS_STRENGTH else f"email:{a}{b}") for a, b, s in raw if a != b]
    exclusive = {k: {("national_id", "*"): v} for k, v in values.items()}
    not_same: dict[str, set[str]] = {}
    for a, b in refusals:
        if a != b:
            not_same.setdefault(a, set()).add(b)
            not_same.setdefault(b, set()).add(a)
    result = split(KEYS, links, Rules(exclusive, not_same))
    assert sorted(k for g in result.groups for k in g) == sorted(KEYS)  # a partition of the records
    reference: nx.Graph[str] = nx.Graph()
    reference.add_nodes_from(KEYS)
    reference.add_edges_from((x.a, x.b) for x in links)
    component_of = {k: i for i, c in enumerate(nx.connected_components(reference)) for k in c}
    for group in result.groups:
        assert len({component_of[k] for k in group}) == 1  # never joins what no link joins
        assert not any(not_same.get(k, set()) & set(group) for k in group)  # a split decision always holds
        manual = any(x.via == "SAME_AS" and x.a in group and x.b in group for x in links)
        if not manual:  # only a person's merge may join different national ids
            assert len({values[k] for k in group if k in values}) <= 1
    kept = [x for x in links if x not in result.cut]
    kept_graph: nx.Graph[str] = nx.Graph()
    kept_graph.add_nodes_from(KEYS)
    kept_graph.add_edges_from((x.a, x.b) for x in kept)
    assert {frozenset(g) for g in result.groups} == {frozenset(c) for c in nx.connected_components(kept_graph)}
    # ...and keeps together all it may: no link between two parts could join them without a forbidden pair,
    # so splitting a component into single records (or cutting one link too many) fails here
    part_of = {k: frozenset(g) for g in result.groups for k in g}
    for link in links:
        left, right = part_of[link.a], part_of[link.b]
        if left == right:
            assert link not in result.cut  # a cut link really keeps its records apart
            continue
        assert link in result.cut, link  # every link between two parts was reported cut
        refused = any(not_same.get(k, set()) & right for k in left)
        clashing = link.via != "SAME_AS" and any(values[k] != values[o] for k in left if k in values
                                                 for o in right if o in values)
        assert refused or clashing, (link, sorted(left), sorted(right))  # the cut was necessary


def test_conflict_is_split_at_the_weakest_link() -> None:
    links = [Link(0.99, "a", "b", "customer_number:1"), Link(0.6, "b", "c", "phone:1"),
             Link(0.95, "c", "d", "email:x")]
    exclusive = {"a": {("national_id", "*"): "1"}, "d": {("national_id", "*"): "2"}}
    assert has_conflict(["a", "b", "c", "d"], Rules(exclusive, {}))
    result = split(["a", "b", "c", "d"], links, Rules(exclusive, {}))
    assert result.groups == [["a", "b"], ["c", "d"]]
    assert result.cut == [Link(0.6, "b", "c", "phone:1")]


def test_a_decision_alone_is_a_conflict() -> None:
    assert has_conflict(["a", "b"], Rules({}, {"a": {"b"}, "b": {"a"}}))
    assert not has_conflict(["a", "c"], Rules({}, {"a": {"b"}, "b": {"a"}}))


def test_values_conflict_only_within_one_identifier_type_and_scope() -> None:
    exclusive = {"a": {("national_id", "*"): "1"}, "b": {("customer_number", "*"): "2"},
                 "c": {("customer_number", "crm"): "3"}}
    assert not has_conflict(["a", "b", "c"], Rules(exclusive, {}))
    assert has_conflict(["b", "d"], Rules({**exclusive, "d": {("customer_number", "*"): "4"}}, {}))


def test_a_decision_recorded_on_one_side_still_keeps_the_two_apart() -> None:
    result = split(["a", "b"], [Link(0.9, "a", "b", "email:x")], Rules({}, {"b": {"a"}}))
    assert result.groups == [["a"], ["b"]] and result.cut == [Link(0.9, "a", "b", "email:x")]


def _national_ids_only(kind: str, value: str, other: str) -> bool:
    """Values conflict only within the national id: the type the rules are asked about must be the slot's."""
    return kind == "national_id" and value != other


def test_values_accepted_by_a_vouched_merge_are_those_of_its_identifier_type() -> None:
    exclusive = {"a": {("national_id", "*"): "1111111"}, "b": {("national_id", "*"): "1111111"},
                 "c": {("national_id", "*"): "9999999"}}
    vouched = Rules(exclusive, {}, _national_ids_only, vouches=lambda x, y: {x, y} == {"a", "c"})
    later = [Link(0.99, "a", "c", "SIMILAR_TO"), Link(0.95, "a", "b", "national_id:1111111")]
    assert split(["a", "b", "c"], later, vouched).groups == [["a", "b", "c"]]
    first = [Link(1.0, "a", "b", "national_id:1111111"), Link(0.99, "a", "c", "SIMILAR_TO")]
    assert split(["a", "b", "c"], first, vouched).groups == [["a", "b", "c"]]
    assert split(["a", "b", "c"], first, Rules(exclusive, {}, _national_ids_only)).groups == [["a", "b"], ["c"]]
