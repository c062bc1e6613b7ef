"""Why two records are one profile, or why they are apart — in terms a service agent can check.

Together: the shortest chain of evidence in the graph, each hop an identifier both records carry, a fuzzy
match with its score and blocking rule, or a person's decision. Apart: every reason that applies — a
decision, an exclusive identifier with different values, a shared identifier that is blocked (and why), and
how the fuzzy model scores the pair now.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from graph.database import Graph
from graph.errors import InputError
from resolution import fuzzy
from resolution.features import features
from resolution.rules import Rules


@dataclass(frozen=True)
class Hop:
    left: str
    right: str
    evidence: str  # an identifier key, "SIMILAR_TO" or "SAME_AS"
    rule: str
    score: float | None = None


@dataclass
class Explanation:
    a: str
    b: str
    customer_a: str | None
    customer_b: str | None
    hops: list[Hop] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    fuzzy_score: float | None = None

    @property
    def together(self) -> bool:
        return self.customer_a is not None and self.customer_a == self.customer_b


def explain(graph: Graph, a: str, b: str, rules: Rules) -> Explanation:
    rows = {row["key"]: row for row in graph.read("explain_records", keys=[a, b])}
    for key in (a, b):
        if key not in rows:
            raise InputError(f"no source record {key!r}: keys are SOURCE:SOURCE_ID, e.g. crm:C1001836")
    result = Explanation(a, b, rows[a]["customer_id"], rows[b]["customer_id"])
    found = graph.read("explain_path", a=a, b=b)
    if found:
        result.hops = _hops(found[0]["nodes"], found[0]["links"], rules)
    result.fuzzy_score = _fuzzy_score(graph, rows[a], rows[b])
    if not result.together:
        result.reasons = _apart(graph, rows[a], rows[b], rules, result)
    return result


def _hops(nodes: list[str], links: list[dict[str, Any]], rules: Rules) -> list[Hop]:
    """Path steps record → identifier → record are folded into one hop naming the identifier."""
    hops: list[Hop] = []
    index = 0
    while index < len(links):
        link = links[index]
        if link["type"] == "LINKED_BY":
            identifier = nodes[index + 1]
            kind = identifier.split(":", 1)[0]
            hops.append(Hop(nodes[index], nodes[index + 2], identifier, f"shared {kind}", rules.trust(kind)))
            index += 2
            continue
        if link["type"] == "SAME_AS":
            rule = f"merged by {link.get('by') or 'unknown'}: {link.get('why') or 'no reason given'}"
            hops.append(Hop(nodes[index], nodes[index + 1], "SAME_AS", rule))
        else:
            hops.append(Hop(nodes[index], nodes[index + 1], "SIMILAR_TO", link.get("rule") or "fuzzy",
                            link.get("score")))
        index += 1
    return hops


def _fuzzy_score(graph: Graph, a: dict[str, Any], b: dict[str, Any]) -> float | None:
    stored = graph.read("match_model_read")
    if not stored:
        return None
    model = fuzzy.MatchModel.from_dict(json.loads(stored[0]["parameters"]))
    pair = [features(a), features(b)]
    levels = fuzzy.compare(fuzzy.Table(pair), np.array([0]), np.array([1]))
    if fuzzy.guarded(levels)[0]:
        return 0.0
    return round(float(model.probability(levels)[0]), 6)


def _apart(graph: Graph, a: dict[str, Any], b: dict[str, Any], rules: Rules, result: Explanation) -> list[str]:
    reasons = []
    for row in graph.read("explain_decisions", keys=[a["key"], b["key"]]):
        if row["decision"] == "NOT_SAME_AS":
            reasons.append(f"decision: {row['key']} is not the same person as {row['other']} "
                           f"(by {row['by']}: {row['why']})")
    shared = {i["key"] for i in a["identifiers"] if i["key"]} & {i["key"] for i in b["identifiers"] if i["key"]}
    blocked = {i["key"]: i["blocked"] for i in a["identifiers"] if i["key"] in shared and i["blocked"]}
    for key, why in sorted(blocked.items()):
        reasons.append(f"they share {key}, which links nothing: {why}")
    for key in sorted(shared - blocked.keys()):
        kind = key.split(":", 1)[0]
        rule = rules.identifiers.get(kind)
        if rule is not None and not rule.link:
            reasons.append(f"they share {key}, but a {kind} alone does not link records (shared by households)")
    for kind in rules.exclusive("global") + rules.exclusive("source"):
        values_a = {i["key"] for i in a["identifiers"] if i["type"] == kind}
        values_b = {i["key"] for i in b["identifiers"] if i["type"] == kind}
        if values_a and values_b and not values_a & values_b:
            reasons.append(f"different {kind}: {', '.join(sorted(values_a))} vs {', '.join(sorted(values_b))}")
    if result.hops:
        reasons.append("a chain of evidence joins them, but their profile was split at its weakest link to keep "
                       "records that must stay apart in different profiles")
    if result.fuzzy_score is not None:
        threshold = rules.fuzzy.threshold
        if result.fuzzy_score < threshold:
            reasons.append(f"fuzzy match {result.fuzzy_score:.4f} is below the threshold {threshold}"
                           + (" (first name or birth date differ)" if result.fuzzy_score == 0.0 else ""))
    if not reasons:
        reasons.append("no identifier, fuzzy match or decision joins them")
    return reasons
