"""The ASGI application: the store is opened in the lifespan and reached through the app state."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
from anyio import to_thread
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.authentication import AuthenticationMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route, Router
from starlette.staticfiles import StaticFiles
from strawberry.asgi import GraphQL

from api.auth import BearerTokens, Principal, RequireToken, signing_key, unauthorized
from api.body_limit import BodyLimit
from api.context import Context
from api.dataloaders import DataLoaders
from api.errors import store_unavailable
from api.geojson import ROUTES as GEO_ROUTES
from api.geojson import STATIC, map_page
from api.headers import SecurityHeaders
from api.schema import schema
from customers.repository import CustomerRepository
from graph.database import open_graph
from graph.errors import StoreUnavailableError
from graph.settings import Settings
from resolution.rules import rules_in_use


class C360GraphQL(GraphQL[Context, None]):
    async def get_context(self, request: Any, response: Any) -> Context:
        """A fresh context per request: DataLoaders never batch across callers."""
        state = request.app.state
        user = request.user  # only the GraphiQL page itself is served without a Principal
        return Context(request=request, response=response, graph=state.graph, rules=state.rules,
                       signing_key=state.signing_key, dataloaders=DataLoaders(CustomerRepository(state.graph)),
                       max_query_cost=state.max_query_cost,
                       caller=user if isinstance(user, Principal) else None)


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


def create_app(settings: Settings | None = None) -> Starlette:
    resolved = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        with open_graph(resolved) as graph:
            app.state.graph = graph
            app.state.rules = rules_in_use(resolved.home)
            app.state.signing_key = key
            app.state.max_query_cost = resolved.c360_max_query_cost
            yield

    graphql = RequireToken(C360GraphQL(schema, graphql_ide="graphiql"), page=True)
    routes = [Route("/healthz", healthz), Route("/readyz", readyz),
              Route("/graphql", graphql, methods=["GET", "POST"]),
              Route("/map", map_page), Mount("/static", StaticFiles(directory=str(STATIC)), name="static"),
              Mount("/geo", RequireToken(Router(GEO_ROUTES)))]
    key = signing_key(resolved)
    middleware = [Middleware(SecurityHeaders), Middleware(BodyLimit, max_bytes=resolved.c360_max_body_bytes),
                  Middleware(AuthenticationMiddleware, backend=BearerTokens(key), on_error=unauthorized)]
    return Starlette(routes=routes, middleware=middleware, lifespan=lifespan,
                     exception_handlers={StoreUnavailableError: store_unavailable})
