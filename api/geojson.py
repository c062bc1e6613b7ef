"""The map page and GeoJSON (and CSV) exports of the marketing queries.

``/map`` is a static page (vendored Leaflet, country boundaries from world-atlas, no tile server) that asks
for a token and reads everything else from the endpoints below, which need one like ``/graphql``. The one
policy of ``api.access`` rules them as it rules GraphQL: each route is an operation a role may be refused
(403), and personal data in every answer follows the caller's role — names, contact data and free text as
in GraphQL, and a home's point as ``Masker.point`` shows it (an analyst's map puts homes at their town).
"""

from __future__ import annotations

import functools
import io
from collections.abc import Awaitable, Callable
from dataclasses import asdict, fields
from importlib import resources
from typing import Any

from anyio import to_thread
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from api.access import Masker, Operation, allowed, refusal
from api.auth import Principal
from api.request_text import NOT_UTF8, undecodable_parameter
from geo import near
from geo.invitations import Invitation, invitations
from geo.near import venue
from graph.database import Graph
from graph.errors import InputError
from graph.spreadsheet import write_csv

Handler = Callable[[Request], Awaitable[Response]]
STATIC = resources.files("api").joinpath("static")
MAX_POINTS = 200_000
#: domain inputs by the name of the query parameter that carries them
PARAMETERS = {"radius_km": "radius", "min_km": "km", "store_key": "store"}


def _collection(features: list[dict[str, Any]]) -> JSONResponse:
    return JSONResponse({"type": "FeatureCollection", "features": features})


def _point(latitude: float, longitude: float, properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [longitude, latitude]},
            "properties": properties}


def _masker(request: Request) -> Masker:
    user = request.user
    assert isinstance(user, Principal)  # RequireToken let the request through
    return Masker.for_principal(user, request.app.state.signing_key)


def _number(request: Request, name: str, default: float | None = None) -> float:
    raw = request.query_params.get(name)
    if raw is None:
        if default is None:
            raise InputError("required", name)
        return default
    try:
        return float(raw)
    except ValueError:
        raise InputError(f"not a number: {raw!r}", name) from None


async def stores(request: Request) -> Response:
    rows = await to_thread.run_sync(lambda: request.app.state.graph.read("geo_stores"))
    return _collection([_point(r["latitude"], r["longitude"], {k: r[k] for k in ("key", "name", "city",
                                                                                  "shoppers")}) for r in rows])


async def homes(request: Request) -> Response:
    """How many customers live at each point, as the caller may see points: homes a role sees coarsened add up
    at their town's centre."""
    masker = _masker(request)
    rows = await to_thread.run_sync(lambda: request.app.state.graph.read("geo_homes", limit=MAX_POINTS))
    counted: dict[tuple[float, float, str, str], int] = {}
    for row in rows:
        if point := masker.point(row):
            place = (*point, row["city"], masker.precision(row))
            counted[place] = counted.get(place, 0) + row["customers"]
    return _collection([_point(latitude, longitude, {"customers": customers, "city": city, "precision": precision})
                        for (latitude, longitude, city, precision), customers in counted.items()])


def _invitations(graph: Graph, request: Request) -> list[Invitation]:
    limit = request.query_params.get("limit")
    return invitations(graph, venue(graph, request.query_params.get("venue", "")), _number(request, "radius"),
                       segment=request.query_params.get("segment") or None,
                       limit=int(_number(request, "limit")) if limit else None)


def _masked(invitation: Invitation, masker: Masker) -> dict[str, Any]:
    return masker.properties(asdict(invitation)) | {"reason": masker.text(invitation.reason)}


async def _at_home(graph: Graph, found: list[tuple[str, dict[str, Any]]], masker: Masker) -> JSONResponse:
    """Customers (id, properties) as points at their current home as the caller may see it, in one query;
    those without a point are left out."""
    rows = await to_thread.run_sync(lambda: graph.read("geo_invitee_homes", ids=[i for i, _ in found]))
    located = {r["id"]: point for r in rows if (point := masker.point(r))}
    return _collection([_point(*located[i], properties) for i, properties in found if i in located])


async def invitations_geojson(request: Request) -> Response:
    graph: Graph = request.app.state.graph
    chosen = await to_thread.run_sync(_invitations, graph, request)
    masker = _masker(request)
    return await _at_home(graph, [(i.customer_id, _masked(i, masker)) for i in chosen], masker)


async def invitations_csv(request: Request) -> Response:
    chosen = await to_thread.run_sync(_invitations, request.app.state.graph, request)
    masker = _masker(request)
    buffer = io.StringIO()
    write_csv(buffer, [f.name for f in fields(Invitation)], (_masked(i, masker) for i in chosen))
    return Response(buffer.getvalue(), media_type="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="invitations.csv"'})


async def near_geojson(request: Request) -> Response:
    graph: Graph = request.app.state.graph
    found = await to_thread.run_sync(lambda: near.near(
        graph, venue(graph, request.query_params.get("venue", "")), _number(request, "radius")))
    return await _at_home(graph, [(r["id"], {"customer_id": r["id"], "distance_km": near.km(r["metres"]),
                                             "via": r["via"]}) for r in found], _masker(request))


async def catchment_geojson(request: Request) -> Response:
    masker = _masker(request)
    rows = await to_thread.run_sync(near.catchment, request.app.state.graph, request.query_params.get("store", ""))
    return _collection([_point(*point, {
        "customer_id": r["id"], "visits": r["visits"], "usual": r["usual"], "precision": masker.precision(r),
        "distance_km": None if r["metres"] is None else near.km(r["metres"])})
        for r in rows if (point := masker.point(r))])


async def far_geojson(request: Request) -> Response:
    graph: Graph = request.app.state.graph
    rows = await to_thread.run_sync(near.far_shoppers, graph, _number(request, "km", 50.0))
    return await _at_home(graph, [(r["id"], {"customer_id": r["id"], "store": r["store"],
                                             "distance_km": near.km(r["metres"])}) for r in rows], _masker(request))


def _guarded(operation: Operation, handler: Handler) -> Handler:
    """The route is an operation of the policy: a role it is not for gets 403 with the reason."""

    @functools.wraps(handler)
    async def answer(request: Request) -> Response:
        role = _masker(request).role
        if not allowed(role, operation):
            return JSONResponse({"error": "forbidden", "message": refusal(role, operation)}, status_code=403)
        return await handler(request)

    return answer


def _client_errors(handler: Handler) -> Handler:
    """A bad query parameter (an ``InputError``, or one that is not UTF-8, which starlette would silently read
    with U+FFFD in place) is the caller's mistake: 400 with the reason."""

    @functools.wraps(handler)
    async def answer(request: Request) -> Response:
        try:
            bad = undecodable_parameter(request.scope.get("query_string", b""))
            if bad is not None:
                raise InputError(NOT_UTF8, bad)
            return await handler(request)
        except InputError as error:
            message = error.named(lambda field: PARAMETERS.get(field, field))
            return JSONResponse({"error": "bad_request", "message": message}, status_code=400)

    return answer


async def map_page(request: Request) -> Response:
    return FileResponse(str(STATIC.joinpath("map.html")), media_type="text/html")


ROUTES = [Route(path, _client_errors(_guarded(operation, handler))) for path, handler, operation in (
    ("/stores.geojson", stores, Operation.MAP), ("/homes.geojson", homes, Operation.MAP),
    ("/near.geojson", near_geojson, Operation.NEARBY), ("/catchment.geojson", catchment_geojson, Operation.NEARBY),
    ("/far.geojson", far_geojson, Operation.NEARBY), ("/invitations.geojson", invitations_geojson, Operation.INVITE),
    ("/invitations.csv", invitations_csv, Operation.INVITE))]
