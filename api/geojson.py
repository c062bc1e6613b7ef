"""The map page and GeoJSON (and CSV) exports of the marketing queries.

``/map`` is a static page (vendored Leaflet, country boundaries from world-atlas, no tile server) that asks
for a token and reads everything else from the endpoints below, which need one like ``/graphql``. Personal
data in exports follows the caller's role (``api.access``).
"""

from __future__ import annotations

import csv
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

from api.access import Masker
from api.auth import Principal
from api.request_text import NOT_UTF8, undecodable_parameter
from geo import near
from geo.invitations import Invitation, invitations
from geo.near import venue
from graph.database import Graph
from graph.errors import InputError

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
    rows = await to_thread.run_sync(lambda: request.app.state.graph.read("geo_homes", limit=MAX_POINTS))
    return _collection([_point(r["latitude"], r["longitude"], {"customers": r["customers"], "city": r["city"],
                                                               "precision": r["precision"]}) for r in rows])


def _invitations(graph: Graph, request: Request) -> list[Invitation]:
    limit = request.query_params.get("limit")
    return invitations(graph, venue(graph, request.query_params.get("venue", "")), _number(request, "radius"),
                       segment=request.query_params.get("segment") or None,
                       limit=int(_number(request, "limit")) if limit else None)


def _masked(invitation: Invitation, masker: Masker) -> dict[str, Any]:
    return masker.properties(asdict(invitation))


async def _at_home(graph: Graph, found: list[tuple[str, dict[str, Any]]]) -> JSONResponse:
    """Customers (id, properties) as points at their current home, in one query; those without a point are
    left out."""
    rows = await to_thread.run_sync(lambda: graph.read("geo_invitee_homes", ids=[i for i, _ in found]))
    located = {r["id"]: r for r in rows if r["latitude"] is not None}
    return _collection([_point(located[i]["latitude"], located[i]["longitude"], properties)
                        for i, properties in found if i in located])


async def invitations_geojson(request: Request) -> Response:
    graph: Graph = request.app.state.graph
    chosen = await to_thread.run_sync(_invitations, graph, request)
    masker = _masker(request)
    return await _at_home(graph, [(i.customer_id, _masked(i, masker)) for i in chosen])


async def invitations_csv(request: Request) -> Response:
    chosen = await to_thread.run_sync(_invitations, request.app.state.graph, request)
    masker = _masker(request)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[f.name for f in fields(Invitation)])
    writer.writeheader()
    writer.writerows(_masked(i, masker) for i in chosen)
    return Response(buffer.getvalue(), media_type="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="invitations.csv"'})


async def near_geojson(request: Request) -> Response:
    graph: Graph = request.app.state.graph
    found = await to_thread.run_sync(lambda: near.near(
        graph, venue(graph, request.query_params.get("venue", "")), _number(request, "radius")))
    return await _at_home(graph, [(r["id"], {"customer_id": r["id"], "distance_km": near.km(r["metres"]),
                                             "via": r["via"]}) for r in found])


async def catchment_geojson(request: Request) -> Response:
    rows = await to_thread.run_sync(near.catchment, request.app.state.graph, request.query_params.get("store", ""))
    return _collection([_point(r["latitude"], r["longitude"], {
        "customer_id": r["id"], "visits": r["visits"], "usual": r["usual"], "precision": r["precision"],
        "distance_km": None if r["metres"] is None else near.km(r["metres"])})
        for r in rows if r["latitude"] is not None])


async def far_geojson(request: Request) -> Response:
    graph: Graph = request.app.state.graph
    rows = await to_thread.run_sync(near.far_shoppers, graph, _number(request, "km", 50.0))
    return await _at_home(graph, [(r["id"], {"customer_id": r["id"], "store": r["store"],
                                             "distance_km": near.km(r["metres"])}) for r in rows])


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


ROUTES = [Route(path, _client_errors(handler)) for path, handler in (
    ("/stores.geojson", stores), ("/homes.geojson", homes), ("/near.geojson", near_geojson),
    ("/invitations.geojson", invitations_geojson), ("/invitations.csv", invitations_csv),
    ("/catchment.geojson", catchment_geojson), ("/far.geojson", far_geojson))]
