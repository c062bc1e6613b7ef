"""The map page and GeoJSON (and CSV) exports of the marketing queries.

``/map`` is a static page (vendored Leaflet, country boundaries from world-atlas, no tile server) that asks
for a token and reads everything else from the endpoints below, which need one like ``/graphql``. The one
policy of ``api.access`` rules them as it rules GraphQL: each route is an operation a role may be refused
(403), and personal data in every answer follows the caller's role — names, contact data and free text as
in GraphQL, and a home's point as ``Masker.point`` shows it (an analyst's map puts homes at their town).
The routes that name customers log them (``api.access_logging``), with what their answer shows of each.
"""

from __future__ import annotations

import functools
import hashlib
import io
from collections.abc import Awaitable, Callable
from dataclasses import asdict, fields
from importlib import resources
from typing import Any

from anyio import to_thread
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from api import geo_parameters as params
from api.access import Masker, Operation, allowed, refusal
from api.access_logging import log_route
from api.auth import Principal
from api.errors import graphql_name
from api.request_text import NOT_UTF8, undecodable_parameter
from geo import near
from geo.invitations import CONSENT_PURPOSE, Invitation, invitations
from geo.near import venue
from graph.database import Graph
from graph.errors import InputError
from graph.spreadsheet import write_csv

Handler = Callable[[Request], Awaitable[Response]]
STATIC = resources.files("api").joinpath("static")
MAX_POINTS = 200_000
#: RFC 7946's media type: a client (or a proxy) can tell GeoJSON from other JSON
GEOJSON = "application/geo+json"


def _collection(features: list[dict[str, Any]]) -> JSONResponse:
    return JSONResponse({"type": "FeatureCollection", "features": features}, media_type=GEOJSON)


def _point(latitude: float, longitude: float, properties: dict[str, Any], feature_id: str | None) -> dict[str, Any]:
    """A point feature; its ``id`` (RFC 7946 §3.2) is left out when the caller may not see one."""
    feature: dict[str, Any] = {"type": "Feature"} if feature_id is None else {"type": "Feature", "id": feature_id}
    return feature | {"geometry": {"type": "Point", "coordinates": [longitude, latitude]}, "properties": properties}


def _customer_id(masker: Masker, customer_id: str) -> str | None:
    """A customer's id as the caller may see it: a customer feature's ``id`` and its ``customer_id`` property
    are this one value, so the id never shows more than the property would."""
    shown = masker.value("customer_id", customer_id)
    return None if shown is None else str(shown)


#: a hash's hex digits written as letters
_LETTERS = str.maketrans("0123456789abcdef", "abcdefghijklmnop")


def _place_id(*shown: Any) -> str:
    """A stable id for a place made only of what the feature shows (its point, town, precision): it tells
    features apart and reveals nothing the feature does not. Its 64 bits are written in letters: a run of
    hex digits could read as part of a phone or card number to whoever scans answers for personal data."""
    return "place:" + hashlib.sha256(repr(shown).encode()).hexdigest()[:16].translate(_LETTERS)


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
    return _collection([_point(r["latitude"], r["longitude"], {k: r[k] for k in ("key", "name", "city", "shoppers")},
                               str(r["key"])) for r in rows])


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
    return _collection([_point(latitude, longitude, {"customers": customers, "city": city, "precision": precision},
                               _place_id(latitude, longitude, city, precision))
                        for (latitude, longitude, city, precision), customers in counted.items()])


def _invitations(graph: Graph, request: Request) -> list[Invitation]:
    query = request.query_params
    limit = query.get(params.LIMIT)
    return invitations(graph, venue(graph, query.get(params.VENUE, "")), _number(request, params.RADIUS_KM),
                       segment=query.get(params.SEGMENT) or None,
                       limit=int(_number(request, params.LIMIT)) if limit else None,
                       purpose=query.get(params.PURPOSE) or CONSENT_PURPOSE)


def _masked(invitation: Invitation, masker: Masker) -> dict[str, Any]:
    return masker.properties(asdict(invitation)) | {"customer_id": _customer_id(masker, invitation.customer_id),
                                                     "reason": masker.text(invitation.reason)}


#: what a feature shows of a customer besides its properties: where they live
LOCATION = "location"


async def _at_home(request: Request, found: list[tuple[str, dict[str, Any]]], masker: Masker) -> JSONResponse:
    """Customers (id, properties) as points at their current home as the caller may see it, in one query;
    those without a point are left out, the others logged. Each feature's id is its ``customer_id`` property."""
    graph: Graph = request.app.state.graph
    rows = await to_thread.run_sync(lambda: graph.read("geo_invitee_homes", ids=[i for i, _ in found]))
    located = {r["id"]: point for r in rows if (point := masker.point(r))}
    shown = [(i, properties) for i, properties in found if i in located]
    await log_route(request, [i for i, _ in shown], {LOCATION, *(k for _, p in shown for k in p)})
    return _collection([_point(*located[i], properties, properties["customer_id"]) for i, properties in shown])


async def invitations_geojson(request: Request) -> Response:
    graph: Graph = request.app.state.graph
    chosen = await to_thread.run_sync(_invitations, graph, request)
    masker = _masker(request)
    return await _at_home(request, [(i.customer_id, _masked(i, masker)) for i in chosen], masker)


async def invitations_csv(request: Request) -> Response:
    chosen = await to_thread.run_sync(_invitations, request.app.state.graph, request)
    masker = _masker(request)
    columns = [f.name for f in fields(Invitation)]
    await log_route(request, [i.customer_id for i in chosen], columns)
    buffer = io.StringIO()
    write_csv(buffer, columns, (_masked(i, masker) for i in chosen))
    return Response(buffer.getvalue(), media_type="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="invitations.csv"'})


async def near_geojson(request: Request) -> Response:
    graph: Graph = request.app.state.graph
    masker = _masker(request)
    found = await to_thread.run_sync(lambda: near.near(
        graph, venue(graph, request.query_params.get(params.VENUE, "")), _number(request, params.RADIUS_KM)))
    return await _at_home(request, [(r["id"], {"customer_id": _customer_id(masker, r["id"]),
                                               "distance_km": near.km(r["metres"]), "via": r["via"]})
                                    for r in found], masker)


async def catchment_geojson(request: Request) -> Response:
    masker = _masker(request)
    rows = await to_thread.run_sync(near.catchment, request.app.state.graph,
                                    request.query_params.get(params.STORE_KEY, ""))
    features = [_point(*point, {
        "customer_id": (shown := _customer_id(masker, r["id"])), "visits": r["visits"], "usual": r["usual"],
        "precision": masker.precision(r), "distance_km": None if r["metres"] is None else near.km(r["metres"])},
        shown) for r in rows if (point := masker.point(r))]
    await log_route(request, [r["id"] for r in rows if masker.point(r)],
                    [LOCATION, "customer_id", "visits", "usual", "precision", "distance_km"])
    return _collection(features)


async def far_geojson(request: Request) -> Response:
    graph: Graph = request.app.state.graph
    masker = _masker(request)
    rows = await to_thread.run_sync(near.far_shoppers, graph, _number(request, params.MIN_KM, 50.0))
    return await _at_home(request, [(r["id"], {"customer_id": _customer_id(masker, r["id"]), "store_key": r["store"],
                                               "distance_km": near.km(r["metres"])}) for r in rows], masker)


def _guarded(operation: Operation, handler: Handler) -> Handler:
    """The route is an operation of the policy: a role it is not for gets 403 with the reason."""

    @functools.wraps(handler)
    async def answer(request: Request) -> Response:
        role = _masker(request).role
        if not allowed(role, operation):
            return JSONResponse({"error": "forbidden", "message": refusal(role, operation)}, status_code=403)
        return await handler(request)

    return answer


def _client_errors(parameters: tuple[str, ...], handler: Handler) -> Handler:
    """A bad query parameter (an ``InputError``, one that is not UTF-8, which starlette would silently read
    with U+FFFD in place, or one the route does not take) is the caller's mistake: 400 with the reason, the
    parameter named as the caller spells it (``radiusKm``, like the GraphQL argument)."""

    @functools.wraps(handler)
    async def answer(request: Request) -> Response:
        try:  # the request's own parameter names, as sent
            bad = undecodable_parameter(request.scope.get("query_string", b""))
            if bad is not None:
                raise InputError(NOT_UTF8, bad)
            params.check(request.query_params, parameters)
        except InputError as error:
            return _bad_request(str(error))
        try:
            return await handler(request)
        except InputError as error:  # a domain input, named as the parameter that carries it
            return _bad_request(error.named(graphql_name))

    return answer


def _bad_request(message: str) -> JSONResponse:
    return JSONResponse({"error": "bad_request", "message": message}, status_code=400)


async def map_page(request: Request) -> Response:
    return FileResponse(str(STATIC.joinpath("map.html")), media_type="text/html")


#: what each invitation route takes: ``invitations`` in GraphQL
INVITATION = (params.VENUE, params.RADIUS_KM, params.SEGMENT, params.LIMIT, params.PURPOSE)
ROUTES = [Route(path, _client_errors(parameters, _guarded(operation, handler)))
          for path, handler, operation, parameters in (
              ("/stores.geojson", stores, Operation.MAP, ()), ("/homes.geojson", homes, Operation.MAP, ()),
              ("/near.geojson", near_geojson, Operation.NEARBY, (params.VENUE, params.RADIUS_KM)),
              ("/catchment.geojson", catchment_geojson, Operation.NEARBY, (params.STORE_KEY,)),
              ("/far.geojson", far_geojson, Operation.NEARBY, (params.MIN_KM,)),
              ("/invitations.geojson", invitations_geojson, Operation.INVITE, INVITATION),
              ("/invitations.csv", invitations_csv, Operation.INVITE, INVITATION))]
