"""The quality report as one self-contained HTML page: tables and inline SVG charts drawn here, no script, no
network. Every string that came from a source (names, fields, values, purposes) is escaped."""

from __future__ import annotations

from collections import defaultdict
from html import escape
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from analysis.quality import QualityRun

STYLE = """body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222;max-width:1100px}
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:2em}table{border-collapse:collapse;margin:.5em 0}
td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}td:first-child,th:first-child{text-align:left}
.ok{color:#176b2c}.bad{color:#b00020;font-weight:bold}svg text{font:11px system-ui,sans-serif}
.low{background:#fde2e2}"""
GOOD, BAD, BAR = "#3a7d44", "#b00020", "#4a78b5"


def quality_html(report: dict[str, Any], trend: list[QualityRun]) -> str:
    """The page for ``report``, with the trend of ``trend`` (oldest first)."""
    verdict = "passed" if report["passed"] else "FAILED"
    parts = [f"<!doctype html><html lang=en><head><meta charset=utf-8><title>c360 data quality "
             f"{_e(report['at'])}</title><style>{STYLE}</style></head><body>",
             f"<h1>Data quality: <span class={'ok' if report['passed'] else 'bad'}>{verdict}</span></h1>",
             f"<p>{report['failed']} of {report['checks']} checks failed; run {_e(report['id'])} at "
             f"{_e(report['at'])} on {_e(report['store'])}; expectations {_e(report['expectations_file'])}.</p>",
             _counts(report), _failed(report), _trend(trend), _completeness(report), _sources(report),
             _profiles(report), _blocked(report), _orphans(report), _consents(report), _constraints(report)]
    parts += [f"<p class=bad>warning: {_e(w)}</p>" for w in report["warnings"]]
    return "\n".join(parts) + "\n</body></html>\n"


def _e(value: Any) -> str:
    return escape(str(value), quote=True)


def _rows(report: dict[str, Any], measure: str) -> list[dict[str, Any]]:
    return [m for m in report["measurements"] if m["measure"] == measure]


def _table(header: list[str], rows: list[list[Any]]) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _counts(report: dict[str, Any]) -> str:
    return _table(["what the graph holds", "count"], [[k, f"{v:,}"] for k, v in report["counts"].items()])


def _failed(report: dict[str, Any]) -> str:
    lines = [r["line"] for r in report["results"] if not r["passed"]]
    if not lines:
        return "<p class=ok>Every expectation holds.</p>"
    return "<h2>Failed expectations</h2><ul>" + "".join(f"<li class=bad>{_e(line)}</li>" for line in lines) + "</ul>"


def _bars(items: list[tuple[str, float]], top: float, unit: str = "%", width: int = 420) -> str:
    """Horizontal bars, one per item, scaled to ``top``."""
    height = 18 * len(items) + 4
    shapes = []
    for n, (label, value) in enumerate(items):
        y = 18 * n + 2
        length = 0 if not top else max(0.0, min(1.0, value / top)) * (width - 230)
        shown = f"{value:.1%}" if unit == "%" else f"{value:,.0f}"
        shapes.append(f'<text x="0" y="{y + 12}">{_e(label[:28])}</text>'
                      f'<rect x="170" y="{y}" width="{length:.1f}" height="14" fill="{BAR}"/>'
                      f'<text x="{174 + length:.1f}" y="{y + 12}">{_e(shown)}</text>')
    return f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}">{"".join(shapes)}</svg>'


def _trend(trend: list[QualityRun]) -> str:
    """Failed checks run over run (oldest left); a dot per run, green when it passed."""
    if not trend:
        return ""
    width, height, step = 640, 120, 600 / max(1, len(trend) - 1)
    top = max(1, *(run.failed for run in trend))
    points = [(20 + n * step, 100 - 80 * run.failed / top, run) for n, run in enumerate(trend)]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in points)
    dots = "".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{GOOD if run.passed else BAD}">'
                   f"<title>{_e(run.id)}: {run.failed} of {run.checks} failed</title></circle>" for x, y, run in points)
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}">'
           f'<line x1="20" y1="100" x2="620" y2="100" stroke="#999"/>'
           f'<text x="0" y="14">{top} failed</text><text x="0" y="114">0</text>'
           f'<polyline points="{line}" fill="none" stroke="#555"/>{dots}</svg>')
    rows = [[f"{run.at:%Y-%m-%d %H:%M}", run.id, "passed" if run.passed else "FAILED", run.checks, run.failed]
            for run in reversed(trend)]
    return (f"<h2>Trend: failed checks over the last {len(trend)} runs</h2>{svg}"
            + _table(["at (UTC)", "run", "verdict", "checks", "failed"], rows[:10]))


def _completeness(report: dict[str, Any]) -> str:
    by_source: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for row in _rows(report, "completeness"):
        by_source[row["source"]].append((row["field"], row["value"]))
    if not by_source:
        return "<h2>Completeness</h2><p>No customer record in the graph.</p>"
    charts = "".join(f"<h3>{_e(source)}</h3>{_bars(items, 1.0)}" for source, items in sorted(by_source.items()))
    return f"<h2>Completeness: share of customer records holding each field</h2>{charts}"


def _sources(report: dict[str, Any]) -> str:
    fresh = {r["source"]: r["value"] for r in _rows(report, "freshness")}
    rejected = {r["source"]: r for r in _rows(report, "rejected")}
    invalid: dict[str, list[str]] = defaultdict(list)
    for row in sorted(_rows(report, "validity"), key=lambda r: r["value"]):
        if row["value"] < 1:
            invalid[row["source"]].append(f"{row['field']} {row['value']:.2%}")
    rows = [[source, f"{hours:,.1f}", rejected[source]["total"] if source in rejected else 0,
             f"{rejected[source]['value']:.1%}" if source in rejected else "-",
             ", ".join(invalid[source]) or "all valid"] for source, hours in sorted(fresh.items())]
    return ("<h2>Sources: latest load (freshness, refusals, validity)</h2>"
            + _table(["source", "hours ago", "rows read", "rejected", "fields with refused values"], rows))


def _profiles(report: dict[str, Any]) -> str:
    items = [(b["bucket"] + " records", float(b["customers"])) for b in report["profile_sizes"]]
    top = max((value for _, value in items), default=0.0)
    return f"<h2>Records per profile (customers)</h2>{_bars(items, top, unit='n')}"


def _blocked(report: dict[str, Any]) -> str:
    rows = [[r["type"], r["reason"], r["value"], r["total"]] for r in _rows(report, "blocked")]
    largest = [[b["key"], b["reason"], b["records"]] for b in report["blocked_largest"]]
    return ("<h2>Identifier values kept from linking</h2>"
            + (_table(["type", "reason", "values", "records"], rows) if rows else "<p>None.</p>")
            + (_table(["most shared value", "reason", "records"], largest) if largest else ""))


def _orphans(report: dict[str, Any]) -> str:
    rows = [[f"identifier {r['type']}" if r.get("type") else r["kind"], r["count"], r["total"],
             f"{r['count'] / r['total']:.1%}" if r["total"] else "-"] for r in _rows(report, "orphans")]
    return ("<h2>Orphans: identifiers no record carries, events linked to nobody</h2>"
            + _table(["what", "orphans", "of", "share"], rows))


def _consents(report: dict[str, Any]) -> str:
    items = [(r["purpose"], r["value"]) for r in _rows(report, "consent")]
    return ("<h2>Consent coverage: customers with a recorded consent</h2>"
            + (_bars(items, 1.0) if items else "<p>No consent purpose in the graph.</p>"))


def _constraints(report: dict[str, Any]) -> str:
    rows = [[r["check"], r["value"]] for r in _rows(report, "constraint")]
    return "<h2>Constraint checks</h2>" + _table(["check", "violations"], rows)
