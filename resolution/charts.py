"""The charts users of record linkage look at first, as self-contained HTML pages (Splink's own charts, with
their JavaScript inlined, so they open offline): a pair's waterfall, the model's match weights, its m and u."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from graph.database import Graph
from resolution import features, linkage
from resolution.explain import Explanation
from resolution.features import Row


def waterfall_html(model: linkage.Model, pairs: list[tuple[Row, Row, dict[str, Any]]]) -> str:
    """One waterfall per pair (two records' matching rows and their weights, as stored on the edge)."""
    rows = [row for a, b, _ in pairs for row in (a, b)]
    linker = linkage.new_linker(features.table(rows), model)
    records = [_record(a, b, weights) for a, b, weights in pairs]
    return str(linker.visualisations.waterfall_chart(records, filter_nulls=False).to_html(inline=True))


def _record(a: Row, b: Row, weights: dict[str, Any]) -> dict[str, Any]:
    record: dict[str, Any] = {"unique_id_l": a["unique_id"], "unique_id_r": b["unique_id"]}
    for column in features.COLUMNS:
        record[f"{column}_l"], record[f"{column}_r"] = a[column], b[column]
    total = float(weights["prior"])
    for name, (level, weight, adjustment) in weights["fields"].items():
        record[f"gamma_{name}"], record[f"mw_{name}"], record[f"mw_tf_adj_{name}"] = level, weight, adjustment
        total += weight + adjustment
    record["match_weight"] = total
    record["match_probability"] = 1 / (1 + 2 ** -total)
    return record


def model_report(model: linkage.Model, directory: Path) -> list[Path]:
    """``match_weights.html`` and ``m_u_parameters.html`` of the trained model."""
    linker = linkage.new_linker(linkage.empty_table(), model)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, chart in (("match_weights", linker.visualisations.match_weights_chart()),
                        ("m_u_parameters", linker.visualisations.m_u_parameters_chart())):
        path = directory / f"{name}.html"
        path.write_text(str(chart.to_html(inline=True)), encoding="utf-8")
        written.append(path)
    return written


def explanation_pairs(explanation: Explanation, rows: dict[str, Row]) -> list[tuple[Row, Row, dict[str, Any]]]:
    """The probabilistic hops of an explanation with their records, or the pair itself when nothing joins it."""
    pairs = [(rows[h.left], rows[h.right], h.weights) for h in explanation.hops if h.weights is not None]
    if not pairs and explanation.pair_weights is not None:
        pairs = [(rows[explanation.a], rows[explanation.b], explanation.pair_weights)]
    return pairs


def explanation_html(graph: Graph, explanation: Explanation) -> str | None:
    """The waterfall of every probabilistic hop joining two records, or of the pair as scored now; None
    before any model was trained."""
    stored = graph.read("match_model_read")
    if not stored:
        return None
    keys = sorted({explanation.a, explanation.b} | {k for h in explanation.hops for k in (h.left, h.right)})
    rows = {found["key"]: features.row(found) for found in graph.read("explain_records", keys=keys)}
    pairs = explanation_pairs(explanation, rows)
    return waterfall_html(json.loads(stored[0]["parameters"]), pairs) if pairs else None
