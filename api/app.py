"""The ASGI application: the store is opened in the lifespan and reached through the app state."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import anyio
from anyio import to_thread
from cross_web import HTTPException
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.authentication import AuthenticationMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route, Router, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLRequestData
from strawberry.types import ExecutionResult

from api.access_logging import flush, keeping_access_log
from api.auth import BearerTokens, Principal, RequireToken, signing_key, unauthorized
from api.body_limit import BodyLimit
from api.context import Context
from api.cors import Cors
from api.dashboard import ROUTES as DASHBOARD_ROUTES
from api.dashboard import dashboard_page
from api.dataloaders import DataLoaders
from api.errors import request_refused, store_unavailable
from api.explore import ROUTES as EXPLORE_ROUTES
from api.explore import explore_page
from api.geojson import ROUTES as GEO_ROUTES
from api.geojson import STATIC, map_page
from api.headers import SecurityHeaders
from api.ingest import ROUTES as INGEST_ROUTES
from api.live import following
from api.live_socket import LiveSocket
from api.request_text import NOT_UTF8, NotText, request_json, undecodable_parameter
from api.schema import schema
from customers.repository import CustomerRepository
from graph.database import open_graph
from graph.errors import StoreUnavailableError
from graph.settings import Settings
from pipeline.micro_batches import MicroBatches, resolving
from resolution.rules import rules_in_use

#: read once: the page is static, its script and styles are files under /static
GRAPHIQL_PAGE = STATIC.joinpath("graphiql.html").read_text(encoding="utf-8")


class C360GraphQL(GraphQL[Context, None]):
    @property
    def graphql_ide_html(self) -> str:
        """c360's GraphiQL page on the vendored libraries (``web/vendor.sh``), in place of strawberry's, which
        loads them from a CDN: GraphiQL works offline, under the strict policy of ``api.headers``."""
        return GRAPHIQL_PAGE

    async def get_context(self, request: Any, response: Any) -> Context:
        """A fresh context per request: DataLoaders never batch across callers."""
        state = request.app.state
        user = request.user  # only the GraphiQL page itself is served without a Principal
        return Context(request=request, response=response, graph=state.graph, rules=state.rules,
                       signing_key=state.signing_key, dataloaders=DataLoaders(CustomerRepository(state.graph)),
                       max_query_cost=state.max_query_cost,
                       caller=user if isinstance(user, Principal) else None, settings=state.settings)

    async def execute_single(self, request: Any, request_adapter: Any, sub_response: Any, context: Context,
                             root_value: None, request_data: GraphQLRequestData) -> ExecutionResult:
        """The operation, then its reads of customers written to the access log before the answer leaves."""
        result = await super().execute_single(request, request_adapter, sub_response, context, root_value,
                                              request_data)
        return await flush(context, result)

    def decode_json(self, data: str | bytes) -> object:
        """Strict UTF-8 JSON: a body strawberry would read leniently, or fail on with a 500, is refused."""
        try:
            return request_json(data)
        except NotText as error:
            raise HTTPException(400, str(error)) from None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A request refused before GraphQL runs (not UTF-8, not JSON, no query) is answered in JSON with a code,
        like every GraphQL error, where strawberry would answer in plain text."""
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        bad = undecodable_parameter(scope.get("query_string", b""))
        try:
            if bad is not None:
                raise HTTPException(400, f"{bad}: {NOT_UTF8}")
            response = await self.run(Request(scope, receive=receive))
        except HTTPException as refusal:
            response = request_refused(refusal.status_code, refusal.reason)
        await response(scope, receive, send)


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


#: a load balancer asking for readiness wants an answer, even from a store that hangs
READY_WITHIN_S = 0.9


async def readyz(request: Request) -> Response:
    ready = False
    with anyio.move_on_after(READY_WITHIN_S):
        try:
            ready = await to_thread.run_sync(CustomerRepository(request.app.state.graph).ready,
                                             abandon_on_cancel=True)
        except Exception:  # any store failure means "not ready"
            ready = False
    return JSONResponse({"status": "ready" if ready else "unavailable"}, status_code=200 if ready else 503)


class C360App(Starlette):
    """Starlette with ``outer`` middleware around all of it, its error middleware included: the security and
    CORS headers go on every answer, even the ``500`` Starlette sends for an unexpected error (its own
    ``middleware`` runs inside that one), and on the ``413`` and ``401`` of the middleware that refuse early."""

    def __init__(self, outer: Sequence[Middleware], **options: Any) -> None:
        self.outer = list(outer)
        super().__init__(**options)

    def build_middleware_stack(self) -> ASGIApp:
        app = super().build_middleware_stack()
        for cls, args, kwargs in reversed(self.outer):
            app = cls(app, *args, **kwargs)
        return app


def create_app(settings: Settings | None = None) -> Starlette:
    resolved = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        with open_graph(resolved) as graph:
            app.state.graph = graph
            app.state.rules = rules_in_use(resolved.home)
            app.state.signing_key = key
            app.state.max_query_cost = resolved.c360_max_query_cost
            app.state.settings = resolved
            app.state.micro_batches = MicroBatches(resolving(graph, app.state.rules, resolved.home / "cache",
                                                             resolved.c360_match_backend))
            app.state.micro_batches.start()
            try:
                async with keeping_access_log(graph, resolved.c360_access_log_days), following(graph) as live:
                    app.state.live = live
                    yield
            finally:
                await to_thread.run_sync(app.state.micro_batches.stop)

    graphql = RequireToken(C360GraphQL(schema, graphql_ide="graphiql"), page=True)
    routes = [Route("/healthz", healthz), Route("/readyz", readyz),
              Route("/graphql", graphql, methods=["GET", "POST"]),
              WebSocketRoute("/graphql", LiveSocket(schema, allowed_origins=resolved.c360_cors_origins)),
              Route("/map", map_page), Mount("/static", StaticFiles(directory=str(STATIC)), name="static"),
              Mount("/geo", RequireToken(Router(GEO_ROUTES))),
              Route("/dashboard", dashboard_page), Mount("/dashboard", RequireToken(Router(DASHBOARD_ROUTES))),
              Route("/explore", explore_page), Mount("/explore", RequireToken(Router(EXPLORE_ROUTES))),
              Mount("/ingest", RequireToken(Router(INGEST_ROUTES), sources=True))]
    key = signing_key(resolved)
    outer = [Middleware(SecurityHeaders)]
    if resolved.c360_cors_origins:
        outer.append(Middleware(Cors, origins=resolved.c360_cors_origins))
    middleware = [Middleware(BodyLimit, max_bytes=resolved.c360_max_body_bytes),
                  Middleware(AuthenticationMiddleware, backend=BearerTokens(key), on_error=unauthorized)]
    return C360App(outer, routes=routes, middleware=middleware, lifespan=lifespan,
                   exception_handlers={StoreUnavailableError: store_unavailable})
