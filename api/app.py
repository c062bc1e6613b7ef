"""The ASGI application: the store is opened in the lifespan and reached through the app state."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from anyio import to_thread
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.authentication import AuthenticationMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route, Router
from starlette.staticfiles import StaticFiles
from strawberry.asgi import GraphQL

from api.access import Masker
from api.auth import BearerTokens, Principal, RequireToken, signing_key, unauthorized
from api.geojson import ROUTES as GEO_ROUTES
from api.geojson import STATIC, map_page
from api.loaders import Loaders
from api.repository import CustomerRepository
from api.schema import schema
from graph.settings import Settings
from graph.store import open_store
from resolution.rules import rules_in_use


class C360GraphQL(GraphQL[dict[str, Any], None]):
    async def get_context(self, request: Any, response: Any) -> dict[str, Any]:
        state = request.app.state
        user = request.user  # only the GraphiQL page itself is served without a Principal
        masker = Masker.for_principal(user, state.signing_key) if isinstance(user, Principal) else None
        return {"request": request, "response": response, "store": state.store, "rules": state.rules,
                "principal": user, "masker": masker, "loaders": Loaders(CustomerRepository(state.store))}


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    try:
        ready = await to_thread.run_sync(CustomerRepository(request.app.state.store).ready)
    except Exception:  # any store failure means "not ready"
        ready = False
    return JSONResponse({"status": "ready" if ready else "unavailable"}, status_code=200 if ready else 503)


def create_app(settings: Settings | None = None) -> Starlette:
    resolved = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        with open_store(resolved) as store:
            app.state.store = store
            app.state.rules = rules_in_use(resolved.home)
            app.state.signing_key = key
            yield

    graphql = RequireToken(C360GraphQL(schema, graphql_ide="graphiql"), page=True)
    routes = [Route("/healthz", healthz), Route("/readyz", readyz),
              Route("/graphql", graphql, methods=["GET", "POST"]),
              Route("/map", map_page), Mount("/static", StaticFiles(directory=str(STATIC)), name="static"),
              Mount("/geo", RequireToken(Router(GEO_ROUTES)))]
    key = signing_key(resolved)
    middleware = [Middleware(AuthenticationMiddleware, backend=BearerTokens(key), on_error=unauthorized)]
    return Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
