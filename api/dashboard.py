"""The dashboard: a static page (``api/static/dashboard.*``, vendored Chart.js) and the figures it draws.

``/dashboard`` is served without a token, like ``/map``; the page keeps the token it is given in the tab's
session storage and sends it to ``/dashboard/indicators.json``, which needs one and is an operation of the one
policy (``api.access.Operation.DASHBOARD``: analysts, marketing and admins). The answer holds aggregates only —
counts, shares, amounts per head — read from ``analysis.indicators`` and ``geo.campaigns``: no customer id,
name or contact value, so it reads the same for every role allowed, and nothing in it is logged as a read of
a customer.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from anyio import to_thread
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from analysis.indicators import Indicators, indicators
from api.access import Operation, allowed, refusal
from api.auth import Principal
from api.geojson import STATIC
from geo.campaigns import DEFAULT_DAYS, Interval, Results, Side, campaigns, results
from graph.database import Graph
from graph.errors import InputError

#: campaigns on the dashboard, the newest event first: their results are computed on every request
CAMPAIGNS = 12


def _interval(value: Interval | None) -> dict[str, float] | None:
    return None if value is None else asdict(value)


def _side(side: Side) -> dict[str, Any]:
    return asdict(side) | {"buyers_share": side.buyers_share, "spend_per_head_minor": side.spend_per_head_minor}


def campaign_figures(found: Results) -> dict[str, Any]:
    """A campaign's results as the dashboard shows them: its name, place and the two sides' aggregates."""
    c = found.campaign
    return {"name": c.name, "event_at": c.event_at, "venue": c.venue, "radius_km": c.radius_km,
            "segment": c.segment, "control_share": c.control_share, "days": found.days, "until": found.until,
            "open": found.open, "currency": found.currency, "invited": _side(found.invited),
            "held_out": _side(found.held_out), "buyers_uplift": _interval(found.buyers_uplift),
            "spend_uplift_minor": _interval(found.spend_uplift_minor),
            "incremental_revenue_minor": _interval(found.incremental_revenue_minor), "shared": found.shared}


def indicator_figures(found: Indicators) -> dict[str, Any]:
    p = found.profiles
    return {"months": [asdict(m) for m in found.months], "loads": found.loads, "sources": found.sources,
            "profiles": asdict(p) | {"records_per_customer": p.records_per_customer,
                                     "multi_record_share": p.multi_record_share},
            "resolution": [asdict(r) | {"records_per_customer": r.records_per_customer,
                                        "matched_share": r.matched_share} for r in found.resolution],
            "scoring": [asdict(r) for r in found.scoring], "quality": [asdict(q) for q in found.quality]}


def figures(graph: Graph, days: int = DEFAULT_DAYS) -> dict[str, Any]:
    """Everything the dashboard draws, in one answer."""
    saved = campaigns(graph, CAMPAIGNS)
    return indicator_figures(indicators(graph)) | {
        "campaigns": [campaign_figures(results(graph, c.name, days)) for c in saved]}


def _plain(value: Any) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def _days(request: Request) -> int:
    unknown = set(request.query_params) - {"days"}
    if unknown:
        raise InputError("not a parameter of this route", sorted(unknown)[0])
    raw = request.query_params.get("days")
    if raw is None:
        return DEFAULT_DAYS
    try:
        return int(raw)
    except ValueError:
        raise InputError(f"not a whole number of days: {raw!r}", "days") from None


async def indicators_json(request: Request) -> Response:
    user = request.user
    assert isinstance(user, Principal)  # RequireToken let the request through
    if not allowed(user.role, Operation.DASHBOARD):
        return JSONResponse({"error": "forbidden", "message": refusal(user.role, Operation.DASHBOARD)},
                            status_code=403)
    try:
        days = _days(request)
        found = await to_thread.run_sync(figures, request.app.state.graph, days)
    except InputError as error:
        return JSONResponse({"error": "bad_request", "message": str(error)}, status_code=400)
    return Response(json.dumps(found, default=_plain, allow_nan=False), media_type="application/json")


async def dashboard_page(request: Request) -> Response:
    return FileResponse(str(STATIC.joinpath("dashboard.html")), media_type="text/html")


#: mounted under ``/dashboard`` behind ``RequireToken``
ROUTES = [Route("/indicators.json", indicators_json)]
