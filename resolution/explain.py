"""Why two records are one profile, or why they are apart — in terms a service agent can check.

Together: the shortest chain of evidence in the graph, each hop an identifier both records carry, a
probabilistic match with the weight of every comparison (the waterfall: the prior, plus each field's match
weight, gives the pair's match weight and so its probability), or a person's decision. Apart: every reason
that applies — a decision, exclusive identifiers that conflict, a shared identifier that is blocked (and
why), and how the model scores the pair now.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

from graph.database import Graph
from graph.errors import InputError
from resolution import linkage, slips
from resolution.features import row
from resolution.rules import Rules


@dataclass(frozen=True)
class Weight:
    """One comparison's part in a match: its level and match weight (log2 of its Bayes factor)."""

    comparison: str
    level: str
    weight: float  # with the term-frequency adjustment included
    frequency_adjustment: float = 0.0


@dataclass(frozen=True)
class Waterfall:
    """The prior's weight plus every comparison's weight is the match weight; its logistic is the probability."""

    prior: float
    weights: list[Weight]

    @property
    def match_weight(self) -> float:
        return self.prior + sum(w.weight for w in self.weights)

    @property
    def probability(self) -> float:
        return 1.0 / (1.0 + math.pow(2.0, -self.match_weight))


@dataclass(frozen=True)
class Hop:
    left: str
    right: str
    evidence: str  # an identifier key, "SIMILAR_TO" or "SAME_AS"
    rule: str
    score: float | None = None
    waterfall: Waterfall | None = None
    weights: dict[str, Any] | None = None  # as stored on the edge (``linkage.Pair.weights``)


@dataclass
class Explanation:
    a: str
    b: str
    customer_a: str | None
    customer_b: str | None
    hops: list[Hop] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    #: how the model scores the two records now (no frequency adjustments), when a model was trained
    pair: Waterfall | None = None
    pair_weights: dict[str, Any] | None = None

    @property
    def together(self) -> bool:
        return self.customer_a is not None and self.customer_a == self.customer_b

    @property
    def fuzzy_score(self) -> float | None:
        return None if self.pair is None else round(self.pair.probability, 6)


def explain(graph: Graph, a: str, b: str, rules: Rules) -> Explanation:
    rows = {found["key"]: found for found in graph.read("explain_records", keys=[a, b])}
    for key in (a, b):
        if key not in rows:
            raise InputError(f"no source record {key!r}: keys are SOURCE:SOURCE_ID, e.g. crm:C1001836")
    result = Explanation(a, b, rows[a]["customer_id"], rows[b]["customer_id"])
    stored = graph.read("match_model_read")
    model: linkage.Model | None = json.loads(stored[0]["parameters"]) if stored else None
    found = graph.read("explain_path_identifiers", a=a, b=b) or graph.read("explain_path", a=a, b=b)
    if found:
        result.hops = _hops(found[0]["nodes"], found[0]["links"], rules, model)
    if model is not None:
        scored = linkage.score(model, row(rows[a]), row(rows[b]))
        result.pair, result.pair_weights = waterfall(scored, model), scored.weights
    if not result.together:
        result.reasons = _apart(graph, rows[a], rows[b], rules, result)
    return result


def waterfall(pair: linkage.Pair, model: linkage.Model) -> Waterfall:
    """A pair's stored or computed weights, with each level named as the model names it."""
    labels = linkage.level_labels(model)
    weights = [Weight(name, labels.get(name, {}).get(level, f"level {level}"), round(mw + tf, 4), tf)
               for name, (level, mw, tf) in pair.weights["fields"].items()]
    return Waterfall(float(pair.weights["prior"]), weights)


def _hops(nodes: list[str], links: list[dict[str, Any]], rules: Rules, model: linkage.Model | None) -> list[Hop]:
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
            weights = json.loads(link["weights"]) if link.get("weights") else None
            hops.append(Hop(nodes[index], nodes[index + 1], "SIMILAR_TO", link.get("rule") or "matching",
                            link.get("score"), _stored(link, weights, model), weights))
        index += 1
    return hops


def _stored(link: dict[str, Any], weights: dict[str, Any] | None, model: linkage.Model | None) -> Waterfall | None:
    if weights is None or model is None:
        return None
    return waterfall(linkage.Pair("", "", float(link.get("score") or 0.0), link.get("rule") or "", weights), model)


def _apart(graph: Graph, a: dict[str, Any], b: dict[str, Any], rules: Rules, result: Explanation) -> list[str]:
    reasons = []
    for decision in graph.read("explain_decisions", keys=[a["key"], b["key"]]):
        if decision["decision"] == "NOT_SAME_AS":
            reasons.append(f"decision: {decision['key']} is not the same person as {decision['other']} "
                           f"(by {decision['by']}: {decision['why']})")
    shared = {i["key"] for i in a["identifiers"] if i["key"]} & {i["key"] for i in b["identifiers"] if i["key"]}
    blocked = {i["key"]: i["blocked"] for i in a["identifiers"] if i["key"] in shared and i["blocked"]}
    for key, why in sorted(blocked.items()):
        reasons.append(f"they share {key}, which links nothing by itself: {why}")
    for key in sorted(shared - blocked.keys()):
        kind = key.split(":", 1)[0]
        rule = rules.identifiers.get(kind)
        if rule is not None and not rule.link:
            reasons.append(f"they share {key}, but a {kind} alone does not link records (shared by households)")
    conflict = slips.conflicts(rules)
    for kind in rules.exclusive("global") + rules.exclusive("source"):
        values_a = {i["key"].split(":", 1)[1] for i in a["identifiers"] if i["type"] == kind}
        values_b = {i["key"].split(":", 1)[1] for i in b["identifiers"] if i["type"] == kind}
        if any(conflict(kind, x, y) for x in values_a for y in values_b):
            reasons.append(f"different {kind}s that cannot be a typo of one another: "
                           f"{', '.join(sorted(values_a))} vs {', '.join(sorted(values_b))}")
    if result.hops:
        reasons.append("a chain of evidence joins them, but their profile was split at its weakest link to keep "
                       "records that must stay apart in different profiles")
    if result.pair is not None and result.pair.probability < rules.matching.threshold:
        against = sorted((w for w in result.pair.weights if w.weight < 0), key=lambda w: w.weight)[:3]
        detail = "; ".join(f"{w.level} ({w.weight:+.1f})" for w in against)
        reasons.append(f"the model scores them {result.pair.probability:.4f}, below the threshold "
                       f"{rules.matching.threshold}" + (f": {detail}" if detail else ""))
    if not reasons:
        reasons.append("no identifier, probabilistic match or decision joins them")
    return reasons
