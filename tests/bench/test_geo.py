"""The marketing benchmark's graph is one the product's own functions read."""

from __future__ import annotations

from bench import geo
from geo.invitations import invitations
from geo.locate import locate
from geo.near import venue
from graph import Graph


def test_the_bench_graph_is_read_by_the_invitation_lists(graph: Graph) -> None:
    """Consents as the loader writes them and restrictions through the product: lists are neither empty
    (the ledger reads the bench's consents) nor hold anyone who objected or refused."""
    sizes = geo.build(graph, 400, 3)
    restricted = geo.restrict_some(graph, sizes["customers"], 0.1)
    assert restricted == {"marketing": 27, "profiling": 13}
    located = locate(graph, full=True)
    assert located.city == 400
    objectors = {row["id"] for row in graph.read("customer_restrictions", ids=[f"C{n:07d}" for n in range(400)])
                 if row["purpose"] == "marketing"}
    assert len(objectors) == 27
    listed = [i for n in range(3) for i in invitations(graph, venue(graph, f"S{n:04d}"), 50)]
    assert listed
    assert not objectors & {i.customer_id for i in listed}
    refused = {row["id"] for row in graph.driver.execute_query(
        "MATCH (c:Customer)-[:HAS_RECORD]->()-[:HAS_IDENTIFIER]->()<-[:FOR]-(e:ConsentEvent) "
        "WHERE e.channel IS NULL AND NOT e.granted RETURN c.id AS id", database_=graph.database).records}
    assert not refused & {i.customer_id for i in listed}
