"""A subject-access document as one readable, self-contained page: sections with counts, every value escaped.

Almost every value in the document comes from source files or staff input, which c360 does not trust, so
the page is built from escaped text only: keys and values alike pass through ``html.escape``, nothing is
inserted raw. The page loads nothing (no external asset, no script) and forbids it too (its content
security policy), so it opens offline and a value that slipped through could still run nothing.
"""

from __future__ import annotations

from html import escape
from typing import Any

#: the document's parts in reading order: title, path of keys to it, and what it holds
SECTIONS: list[tuple[str, tuple[str, ...], str]] = [
    ("Profile", ("customer", "golden"), "each value of the profile and the source record it was taken from"),
    ("Profile as stored", ("customer", "profile"), "every property of the profile"),
    ("Source records", ("records",), "every record about you, as loaded from each source"),
    ("Identifiers", ("identifiers",), "emails, phones and numbers your records carry, and their state"),
    ("Purchases", ("events", "transactions"), "newest first, with the store"),
    ("Service tickets", ("events", "tickets"), "newest first, with their notes"),
    ("Web sessions", ("events", "web_sessions"), "newest first, with the cookie they came from"),
    ("Cookies and devices", ("web_identities",), "cookies tied to you by a login, and the devices they were on"),
    ("Consents now", ("consents", "current"), "per purpose and channel, the choice that decides it"),
    ("Consent history", ("consents", "history"), "every consent event, oldest first"),
    ("Restrictions in force", ("restrictions", "in_force"), "uses of your data you stopped (restriction or "
                                                            "objection)"),
    ("Restriction history", ("restrictions", "history"), "every restriction, objection and lifting, oldest first"),
    ("Homes", ("homes",), "where you live and lived, as placed from your address"),
    ("Stores", ("stores",), "the stores you bought at"),
    ("Scores and segment", ("scores",), "marketing scores and how they are computed"),
    ("How your profile is formed", ("resolution", "rule"), "how c360 decides which records are one person"),
    ("Merge and split decisions", ("resolution", "decisions"), "people's decisions about your records"),
    ("Decision audit", ("resolution", "decision_audit"), "the audit entries of those decisions"),
    ("Evidence joining your records", ("resolution", "links"), "what identity resolution joined them by"),
    ("Service-desk changes", ("service_desk_audit",), "changes staff made to your data, with before and after"),
    ("Shared with", ("synced_to",), "systems c360 sends your data to"),
    ("Seen by", ("seen_by",), "who read your data through c360's API: when, their role, which parts"),
]

STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ccc; }
.note { color: #555; } .count { color: #555; font-weight: normal; }
table { border-collapse: collapse; margin: .4em 0; } td, th { border: 1px solid #ddd; padding: 2px 6px;
  vertical-align: top; text-align: left; } th { background: #f4f4f4; } .none { color: #aaa; }
"""
CSP = "default-src 'none'; style-src 'unsafe-inline'"


def render(document: dict[str, Any]) -> str:
    customer = _text(document["customer"]["id"])
    parts = [f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
             f"<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">"
             f"<title>Personal data held about customer {customer}</title><style>{STYLE}</style></head><body>",
             f"<h1>Personal data held about customer {customer}</h1>",
             _value(document["metadata"]),
             f"<p class=\"note\">Format version {_text(document['format_version'])}; the same data, "
             "machine-readable, is in the JSON export.</p>"]
    for title, path, note in SECTIONS:
        value = _at(document, path)
        count = f" <span class=\"count\">({len(value)})</span>" if isinstance(value, list | dict) else ""
        parts.append(f"<section><h2>{_text(title)}{count}</h2><p class=\"note\">{_text(note)}</p>"
                     f"{_value(value)}</section>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


def _at(document: dict[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = document
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _text(value: Any) -> str:
    return escape(str(value), quote=True)


def _value(value: Any) -> str:
    if value is None or value == [] or value == {}:
        return "<span class=\"none\">—</span>"
    if isinstance(value, dict):
        rows = "".join(f"<tr><th>{_text(k)}</th><td>{_value(v)}</td></tr>" for k, v in value.items())
        return f"<table>{rows}</table>"
    if isinstance(value, list):
        if all(isinstance(item, dict) for item in value):
            return _table(value)
        return "<br>".join(_value(item) for item in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return _text(value)


def _table(rows: list[dict[str, Any]]) -> str:
    """Rows as one table whose columns are every key any row has, in the order first met."""
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(row))
    head = "".join(f"<th>{_text(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{_value(row.get(c))}</td>" for c in columns) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"
