"""The graph explorer: ``/explore`` draws a node and its neighbours, ``/explore/neighbours`` answers in JSON.

The page is static (vendored cytoscape.js, ``api/static/explore.*``); the data route needs a token like the
GeoJSON routes and answers as the caller's role may see, masked here, on the server, by the one policy of
``api.access``: each label shows a fixed list of properties (what GraphQL shows of that type; anything else a
source brought, such as ``attr_*`` columns, never leaves), each masked by its field's rule; an identifier's
value follows its type's rule and an identifier of a type the role may not see at all is neither shown nor
counted; a home's point is ``Masker.point``'s; free text (ticket subjects, notes, a session's pages, a
decision's reason) is sent only to roles that see every personal value in clear — the others read it through
GraphQL, redacted with each customer's own values, which one node's neighbourhood does not know.

Node ids are opaque: a customer's is its profile id (as in GraphQL), any other node's is sealed like a
GraphQL global id (``api.node``) from its label and business key, so ids stay stable across runs (the
store's element ids do not), a record's key (which may be a card number) does not show through its id, and
the page can name only nodes the server showed it — a forged id opens to nothing. Starting from an
identifier follows the rule of ``customerByIdentifier``: a role may not look up a value it may not see in
clear. The customers whose data an answer shows — a profile, a record, an identifier, a home, an event
they are reached by — are written to the access log, with the properties shown.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from anyio import to_thread
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from analysis.neighbourhood import (
    DEFAULT_LIMIT,
    LABELS,
    RELATIONSHIPS,
    Link,
    Neighbourhood,
    Node,
    Ref,
    neighbourhood,
)
from api.access import IDENTIFIER_TYPES, PERSONAL, TEXT, Access, Masker, Operation, allowed
from api.access_logging import log_route
from api.geojson import STATIC, _client_errors, _masker
from api.node import seal, unseal
from customers.identifiers import identifier_key
from graph.errors import InputError

NODE, CUSTOMER, TYPE, VALUE, TYPES, LIMIT = "node", "customer", "type", "value", "types", "limit"

#: what each label shows: its properties, each under the rule of the field of its name
SHOWN: dict[str, tuple[str, ...]] = {
    "Customer": ("id", "first_name", "last_name", "birth_date", "email", "phone", "street", "house_number",
                 "postcode", "city", "country", "customer_number", "record_count", "segment", "purchases",
                 "recency_days", "ltv_minor", "predicted_value_minor", "currency", "created_at", "updated_at"),
    "SourceRecord": ("key", "source", "source_id", "kind", "loaded_at", "load_run", "first_name", "last_name",
                     "birth_date", "email", "phone", "street", "house_number", "postcode", "city", "country",
                     "customer_number", "loyalty_card", "national_id"),
    "Identifier": ("key", "type", "value", "blocked"),
    "Home": ("street", "house_number", "postcode", "city", "country", "latitude", "longitude", "precision"),
    "Store": ("key", "name", "street", "house_number", "postcode", "city", "country", "latitude", "longitude"),
    "Transaction": ("key", "source", "at", "amount", "currency", "channel"),
    "Ticket": ("key", "source", "opened_at", "closed_at", "channel", "status", "subject"),
    "TicketNote": ("at", "by", "text"),
    "WebSession": ("key", "source", "started_at", "ended_at", "page_views", "pages", "user_agent"),
    "ConsentEvent": ("key", "source", "at", "purpose", "granted", "channel"),
    "Purpose": ("name",),
    "Segment": ("name", "description", "customers"),
}
#: what each relationship type shows (the reasons and authors of decisions: to those who may see explanations)
SHOWN_ON_LINKS: dict[str, tuple[str, ...]] = {
    "HAS_RECORD": ("since",), "HAS_IDENTIFIER": ("source", "first_seen", "last_seen"), "SIMILAR_TO": ("score", "rule"),
    "SAME_AS": ("at", "by", "why"), "NOT_SAME_AS": ("at", "by", "why"), "LIVES_AT": ("since",),
    "LIVED_AT": ("since", "until"), "SHOPS_AT": ("visits", "spend_minor", "currency", "last_visit", "usual"),
    "IN_SEGMENT": ("since",), "LOGGED_IN_AS": ("first_seen", "last_seen", "events"),
}
DECISION_DETAIL = ("by", "why")
#: the labels whose nodes are someone's data (``Node.holders``)
PERSONAL_LABELS = {"Customer", "SourceRecord", "Identifier", "Home", "Transaction", "Ticket", "TicketNote",
                   "WebSession", "ConsentEvent"}
#: properties that are free text, by label (``why`` on links)
FREE_TEXT = {"subject", "text", "pages", "user_agent", "why"}


def _clear_text(masker: Masker) -> bool:
    """Free text may quote any personal value: in clear only for roles that see every one in clear."""
    return all(masker.clear(f) for f in (*PERSONAL, *(f for fs in TEXT.values() for f in fs)))


def node_id(secret: str, ref: Ref) -> str:
    """A node's opaque id: a customer's profile id, else the sealed label and key (``api.node``)."""
    return ref.key if ref.label == "Customer" else seal(secret, ref.label, ref.key)


def ref_of(secret: str, opaque: str) -> Ref:
    """The node an id names: a sealed one of the explorer's labels, else a customer's profile id."""
    sealed = unseal(secret, opaque)
    if sealed is None:
        return Ref("Customer", opaque)
    label, key = sealed
    if label not in LABELS:
        raise InputError("not a node of the explorer", NODE)
    return Ref(label, key)


def _json(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list):
        return [_json(v) for v in value]
    return value


def _properties(masker: Masker, label: str, raw: dict[str, Any]) -> dict[str, Any]:
    """The properties of a node as the role may see them; a value masked away is left out."""
    text = _clear_text(masker)
    shown: dict[str, Any] = {}
    for name in SHOWN[label]:
        value = raw.get(name)
        if value is None or (name in FREE_TEXT and not text):
            continue
        if label == "Identifier" and name == "value":
            value = masker.value(str(raw.get("type")), value)
        elif label == "Identifier" and name == "key":
            value = masker.identifier_key(str(value))
        elif name == "key" and label == "SourceRecord":
            value = masker.record_key(str(value))
        elif name == "key" and label == "WebSession":
            value = masker.key_of("cookie", str(value))
        elif label == "Home" and name in ("latitude", "longitude", "precision"):
            point = masker.point(raw)
            value = (masker.precision(raw) if name == "precision"
                     else None if point is None else point[0 if name == "latitude" else 1])
        elif label in ("Customer", "SourceRecord", "Home"):
            value = masker.value(name, value)
        if value is not None:
            shown[name] = _json(value)
    return shown


def _link_properties(masker: Masker, link: Link) -> dict[str, Any]:
    explain, text = allowed(masker.role, Operation.EXPLAIN), _clear_text(masker)
    return {name: _json(link.properties[name]) for name in SHOWN_ON_LINKS.get(link.type, ())
            if link.properties.get(name) is not None and (explain or name not in DECISION_DETAIL)
            and (text or name not in FREE_TEXT)}


def _caption(label: str, shown: dict[str, Any]) -> str:
    """A node's label in the drawing, from what the role sees of it."""
    name = " ".join(str(shown[f]) for f in ("first_name", "last_name") if shown.get(f))
    captions: dict[str, Callable[[], Any]] = {
        "Customer": lambda: name or shown.get("id"), "SourceRecord": lambda: shown.get("key"),
        "Identifier": lambda: shown.get("key"), "Home": lambda: shown.get("city") or shown.get("postcode"),
        "Store": lambda: shown.get("name") or shown.get("key"),
        "Transaction": lambda: f"{shown.get('amount')} {shown.get('currency') or ''}".strip(),
        "Ticket": lambda: shown.get("status"), "TicketNote": lambda: shown.get("by"),
        "WebSession": lambda: shown.get("started_at"),
        "ConsentEvent": lambda: f"{shown.get('purpose')} {'yes' if shown.get('granted') else 'no'}",
    }
    named: Callable[[], Any] = lambda: shown.get("name")  # noqa: E731
    caption = captions.get(label, named)()
    return str(caption) if caption else label


def _node(masker: Masker, secret: str, node: Node) -> dict[str, Any]:
    shown = _properties(masker, node.ref.label, node.properties)
    return {"id": node_id(secret, node.ref), "label": node.ref.label, "caption": _caption(node.ref.label, shown),
            "properties": shown}


def answer(masker: Masker, secret: str, found: Neighbourhood) -> dict[str, Any]:
    """The neighbourhood as the page draws it, every property as ``masker``'s role may see it."""
    centre = _node(masker, secret, found.centre)
    nodes, edges = {centre["id"]: centre}, []
    for link in found.links:
        other = _node(masker, secret, link.neighbour)
        nodes.setdefault(other["id"], other)
        source, target = (centre["id"], other["id"]) if link.outgoing else (other["id"], centre["id"])
        edges.append({"id": f"{link.type}:{source}:{target}", "type": link.type, "source": source,
                      "target": target, "properties": _link_properties(masker, link)})
    return {"centre": centre["id"], "nodes": list(nodes.values()), "edges": edges, "totals": found.totals,
            "more": found.more(), "types": list(RELATIONSHIPS)}


def _start(request: Request, masker: Masker) -> Ref:
    """Where to start: a node the explorer showed (``node``), a customer's profile id, or an identifier."""
    query, secret = request.query_params, request.app.state.signing_key
    given = [name for name in (NODE, CUSTOMER, TYPE) if query.get(name)]
    if len(given) != 1:
        raise InputError("give exactly one of node, customer, or type with value", NODE)
    if query.get(NODE):
        return ref_of(secret, query[NODE])
    if query.get(CUSTOMER):
        return Ref("Customer", query[CUSTOMER].strip())
    kind, value = query[TYPE], query.get(VALUE, "")
    if kind not in IDENTIFIER_TYPES:
        raise InputError(f"not an identifier type; types: {', '.join(IDENTIFIER_TYPES)}", TYPE)
    if not masker.clear(kind):
        raise PermissionError(f"type: the {masker.role.value} role may not look customers up by {kind}: it sees "
                              f"{kind} {masker.access(kind).value}")
    try:
        return Ref("Identifier", identifier_key(kind, value))
    except ValueError as error:
        raise InputError(str(error), VALUE) from None


def _limit(request: Request) -> int:
    raw = request.query_params.get(LIMIT)
    if raw is None:
        return DEFAULT_LIMIT
    try:
        return int(raw)
    except ValueError:
        raise InputError(f"not a whole number: {raw!r}", LIMIT) from None


async def neighbours(request: Request) -> Response:
    masker = _masker(request)
    try:
        start = _start(request, masker)
    except PermissionError as refused:
        return JSONResponse({"error": "forbidden", "message": str(refused)}, status_code=403)
    raw_types = request.query_params.get(TYPES)
    types = [t for t in raw_types.split(",") if t] if raw_types is not None else None
    leave_out = [t for t in IDENTIFIER_TYPES if masker.access(t) is Access.HIDDEN]
    found = await to_thread.run_sync(functools.partial(
        neighbourhood, request.app.state.graph, start, types, _limit(request), leave_out))
    if found is None:
        return JSONResponse({"error": "not_found", "message": "no such node"}, status_code=404)
    body = answer(masker, request.app.state.signing_key, found)
    people = found.holders()
    if people:  # the fields: every property the answer shows of a node that is someone's data
        await log_route(request, sorted(people), {k for n in body["nodes"] if n["label"] in PERSONAL_LABELS
                                                  for k in n["properties"]})
    return JSONResponse(body)


async def explore_page(request: Request) -> Response:
    return FileResponse(str(STATIC.joinpath("explore.html")), media_type="text/html")


ROUTES = [Route("/neighbours", _client_errors((NODE, CUSTOMER, TYPE, VALUE, TYPES, LIMIT), neighbours))]
