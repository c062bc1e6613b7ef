"""``c360 check``: does the store answer, what does the graph hold, and is its data good enough.

Exit codes: 0 when every expectation holds, 1 when one fails (one ``FAILED`` line each) or on any error, so a
scheduler sees a quality drop as a failed job.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from analysis.quality import QualityRun, check_quality, failures, history
from analysis.quality_expectations import expectations_in_use
from analysis.quality_html import quality_html
from graph import Settings, open_graph

out = Console()
BAR = 30


def check(
    expectations: Annotated[Path | None, typer.Option("--expectations", help="Expectations (TOML); default "
                                                      "$C360_HOME/expectations.toml if present, else the "
                                                      "shipped ones.")] = None,
    json_file: Annotated[Path | None, typer.Option("--json", help="Also write the report as JSON.")] = None,
    html: Annotated[Path | None, typer.Option("--html", help="Also write the report as an HTML page (opens "
                                                             "offline, with the trend of the last runs).")] = None,
    show_history: Annotated[bool, typer.Option("--history", help="Only show the trend of the kept checks, "
                                                                 "run over run; measure nothing.")] = False,
    last: Annotated[int, typer.Option("--last", min=1, max=1000, help="How many past runs the trend shows.")
                    ] = 20,
) -> None:
    """Check that the store answers, show what the graph holds, and measure its data quality.

    Completeness and validity per source and field, freshness, records per profile, blocked values, orphans,
    consent coverage and constraint checks, held to the expectations; each run is kept for the trend. Exits 1
    when an expectation fails.
    """
    settings = Settings()
    chosen, name = expectations_in_use(settings.home, expectations)  # a bad file is refused before any read
    with open_graph(settings) as graph:
        counts = graph.read("graph_counts")[0]
        out.print(f"store {graph.connection.uri} ({graph.capabilities.name}) answers", markup=False)
        for key, value in counts.items():
            out.print(f"  {key:<12} {value:>10,}")
        if show_history:
            _print_history(history(graph, last))
            return
        report = check_quality(graph, chosen, name)
        trend = history(graph, last) if html else []
    _print_report(report)
    if json_file:
        json_file.parent.mkdir(parents=True, exist_ok=True)
        json_file.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
        out.print(f"wrote the report to {json_file}", markup=False)
    if html:
        html.parent.mkdir(parents=True, exist_ok=True)
        html.write_text(quality_html(report, trend), encoding="utf-8")
        out.print(f"wrote the HTML report to {html}", markup=False)
    for line in failures(report):
        out.print(line, markup=False, highlight=False, soft_wrap=True)
    verdict = "passed" if report["passed"] else "FAILED"
    out.print(f"quality {verdict}: {report['failed']} of {report['checks']} checks failed "
              f"(expectations: {report['expectations_file']}; run {report['id']})", markup=False, highlight=False)
    if not report["passed"]:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("check")(check)


def _rows(report: dict[str, Any], measure: str) -> list[dict[str, Any]]:
    return [m for m in report["measurements"] if m["measure"] == measure]


def _table(title: str, *columns: str) -> Table:
    table = Table(title=title)
    for column in columns:
        table.add_column(column, justify="left" if columns.index(column) == 0 else "right")
    return table


def _cells(*values: Any) -> list[Text]:
    """Every cell as plain text: source names, fields and values are whatever a source wrote."""
    return [Text(v if isinstance(v, str) else f"{v:,}" if isinstance(v, int) else f"{v:.4g}") for v in values]


def _print_report(report: dict[str, Any]) -> None:
    _print_completeness(report)
    _print_sources(report)
    histogram = _table("records per profile", "records", "customers", "")
    most = max((b["customers"] for b in report["profile_sizes"]), default=0) or 1
    for bucket in report["profile_sizes"]:
        histogram.add_row(*_cells(bucket["bucket"], bucket["customers"], "█" * round(BAR * bucket["customers"] / most)))
    out.print(histogram)
    stats = {m["stat"]: m["value"] for m in _rows(report, "profile_size")}
    out.print(f"  largest profile {stats.get('max', 0):,} records, mean {stats.get('mean', 0):.2f}, "
              f"single-record profiles {stats.get('single_share', 0):.1%}")
    _print_blocked(report)
    orphans = _table("orphans: identifiers no record carries, events linked to nobody", "what", "orphans", "of",
                     "share")
    for row in _rows(report, "orphans"):
        what = f"identifier {row['type']}" if row.get("type") else row["kind"]
        orphans.add_row(*_cells(what, row["count"], row["total"], _share(row["count"], row["total"])))
    out.print(orphans)
    consents = _table("consent coverage: customers with a recorded consent", "purpose", "customers", "of", "share")
    for row in _rows(report, "consent"):
        consents.add_row(*_cells(row["purpose"], row["count"], row["total"], f"{row['value']:.1%}"))
    out.print(consents if consents.row_count else "consent coverage: no consent purpose in the graph")
    constraints = _table("constraint checks", "check", "violations")
    for row in _rows(report, "constraint"):
        constraints.add_row(*_cells(row["check"], row["value"]))
    out.print(constraints)
    for warning in report["warnings"]:
        out.print(f"warning: {warning}", markup=False)


def _share(count: int | None, total: int | None) -> str:
    return f"{count / total:.1%}" if count is not None and total else "-"


def _print_completeness(report: dict[str, Any]) -> None:
    by_field: dict[str, dict[str, float]] = defaultdict(dict)
    records: dict[str, int] = {}
    for row in _rows(report, "completeness"):
        by_field[row["field"]][row["source"]] = row["value"]
        records[row["source"]] = row["total"]
    if not records:
        out.print("completeness: no customer record in the graph")
        return
    sources = sorted(records)
    table = _table("completeness: share of customer records holding each field", "field", *sources)
    table.add_row(*_cells("(records)", *(records[s] for s in sources)))
    for name, shares in by_field.items():
        table.add_row(*_cells(name, *(f"{shares.get(s, 0):.1%}" for s in sources)))
    out.print(table)


def _print_sources(report: dict[str, Any]) -> None:
    """Each source's latest load: freshness, rows refused whole, and its least valid fields."""
    table = _table("sources: latest load", "source", "hours ago", "read", "rejected", "least valid fields")
    fresh = {row["source"]: row["value"] for row in _rows(report, "freshness")}
    rejected = {row["source"]: row for row in _rows(report, "rejected")}
    worst: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in _rows(report, "validity"):
        if row["value"] < 1:
            worst[row["source"]].append(row)
    for source in sorted(fresh):
        reject = rejected.get(source)
        least = sorted(worst[source], key=lambda r: r["value"])[:4]
        fields = ", ".join(f"{r['field']} {r['value']:.2%}" for r in least)
        table.add_row(*_cells(source, f"{fresh[source]:,.1f}", reject["total"] if reject else 0,
                              _share(reject["count"], reject["total"]) if reject else "-", fields or "all valid"))
    out.print(table if table.row_count else "sources: no completed load in the graph")


def _print_blocked(report: dict[str, Any]) -> None:
    table = _table("identifier values kept from linking", "type", "reason", "values", "records")
    for row in _rows(report, "blocked"):
        table.add_row(*_cells(row["type"], row["reason"], row["value"], row["total"]))
    out.print(table if table.row_count else "blocked values: none")
    if report["blocked_largest"]:
        out.print("  most shared: " + ", ".join(f"{b['key']} ({b['reason']}, {b['records']:,} records)"
                                                for b in report["blocked_largest"]), markup=False)


def _print_history(runs: list[QualityRun]) -> None:
    if not runs:
        out.print("no quality check kept yet: run `c360 check`")
        return
    table = _table(f"quality checks, oldest first ({len(runs)})", "at (UTC)", "run", "verdict", "checks",
                   "failed", "change")
    previous: int | None = None
    for run in runs:
        change = "" if previous is None else f"{run.failed - previous:+d}" if run.failed != previous else "="
        table.add_row(*_cells(f"{run.at:%Y-%m-%d %H:%M:%S}", run.id, "passed" if run.passed else "FAILED",
                              run.checks, run.failed, change))
        previous = run.failed
    out.print(table)

