"""``/graphql`` over a WebSocket (graphql-transport-ws): the subscriptions of the live view, and only them.

A browser cannot set headers on a WebSocket, so the bearer token comes in the ``connection_init`` payload,
``{"Authorization": "Bearer <token>"}``, as GraphiQL sends its headers (a token in the handshake's own
header is taken too). It is checked by the code that checks HTTP requests (``api.auth.BearerTokens``); a
missing or invalid token, or a ``source`` token (which reads nothing), closes the connection with 4403 before
any operation runs. A ``subscribe`` sent before that is closed with 4401 (strawberry's own rule). The token
is checked once, so the connection is closed (4403) when it expires.

Each operation gets its own context — its own DataLoaders and its own list of customers read — so that the
results of one subscription are logged on their own: every result is written to the access log before it is
sent, exactly as an HTTP answer is (``api.access_logging.flush``). Queries and mutations are refused on the
socket: they go over HTTP, where the rest of the API's guards are.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import anyio
import jwt
from starlette.authentication import AuthenticationError
from starlette.requests import HTTPConnection
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http.async_base_view import AsyncBaseHTTPView, AsyncWebSocketAdapter
from strawberry.schema import BaseSchema
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import BaseGraphQLTransportWSHandler
from strawberry.types import ExecutionResult
from strawberry.types.unset import UnsetType
from strawberry.utils.aio import aclosing

from api.access_logging import flush
from api.auth import BearerTokens, Principal, Role
from api.context import Context
from api.dataloaders import DataLoaders
from api.live import Feed
from customers.repository import CustomerRepository
from privacy.access_log import Seen

#: a client that opens a socket and says nothing is closed after this (4408)
INIT_WITHIN = timedelta(seconds=10)
#: subscriptions one connection may hold at once (strawberry answers more with an error)
MAX_SUBSCRIPTIONS = 50


@dataclass(kw_only=True)
class LiveContext(Context):
    """A connection's context: what every operation on it shares, the feed among it."""

    feed: Feed
    #: the ``connection_init`` payload, set by strawberry before ``on_ws_connect``
    connection_params: dict[str, Any] = field(default_factory=dict)
    #: when the caller's token expires, and set once the caller is known
    expires: datetime | None = None
    authenticated: anyio.Event = field(default_factory=anyio.Event)

    def for_operation(self) -> LiveContext:
        """The context of one operation: fresh loaders and its own reads. ``response`` is a sub-response, as
        strawberry gives an HTTP operation: what ``flush`` sets on it (``Retry-After``) has no frame to go in."""
        return replace(self, seen=Seen(), operation=None, response=Response(),
                       dataloaders=DataLoaders(CustomerRepository(self.graph)))


async def authenticate(key: str, params: dict[str, Any], handshake: str | None) -> tuple[Principal, datetime]:
    """The caller the ``Authorization`` entry of ``connection_init`` names (any case), else the handshake's
    header, and when their token expires; ``ConnectionRejectionError`` when there is none, it is not valid, or
    its role reads nothing."""
    given = {str(name).lower(): value for name, value in params.items()}.get("authorization", handshake)
    if given is None:
        raise ConnectionRejectionError()
    try:
        header = str(given).encode("latin-1")
        found = await BearerTokens(key).authenticate(
            HTTPConnection({"type": "websocket", "headers": [(b"authorization", header)]}))
    except (UnicodeEncodeError, AuthenticationError):
        raise ConnectionRejectionError() from None
    principal = found[1] if found else None
    if not isinstance(principal, Principal) or principal.role is Role.SOURCE:
        raise ConnectionRejectionError()
    # verified above: only its expiry is read here
    claims = jwt.decode(header.decode("latin-1").partition(" ")[2].strip(), options={"verify_signature": False})
    return principal, datetime.fromtimestamp(int(claims["exp"]), UTC)


class _Subscriptions:
    """What the protocol handler runs an operation with: subscriptions only, each on its own context, each
    result written to the access log before it is sent."""

    def __init__(self, schema: BaseSchema) -> None:
        self.schema = schema

    async def stream(self, query: str | None, variable_values: dict[str, Any] | None = None,
                     context_value: Any = None, root_value: Any = None, operation_name: str | None = None,
                     **_: Any) -> AsyncGenerator[ExecutionResult, None]:
        assert isinstance(context_value, LiveContext)
        own = context_value.for_operation()
        results = await self.schema.subscribe(query, variable_values, own, root_value, operation_name)
        return _logged(results, own)


async def _logged(results: AsyncGenerator[ExecutionResult, None], context: LiveContext
                  ) -> AsyncGenerator[ExecutionResult, None]:
    async with aclosing(results):
        async for result in results:
            yield await flush(context, result)


class _Handler(BaseGraphQLTransportWSHandler[LiveContext, None]):
    def __init__(self, view: AsyncBaseHTTPView[Any, Any, Any, Any, Any, LiveContext, None],
                 websocket: AsyncWebSocketAdapter, context: LiveContext, root_value: None, schema: BaseSchema,
                 connection_init_wait_timeout: timedelta, max_subscriptions_per_connection: int | None = None
                 ) -> None:
        # the handler calls only ``stream`` on its schema
        super().__init__(view, websocket, context, root_value, cast(BaseSchema, _Subscriptions(schema)),
                         connection_init_wait_timeout, max_subscriptions_per_connection)

    async def handle(self) -> None:
        """The connection, closed (4403) when its token expires: a token is checked once, at the start, and
        a screen left open must not outlive it."""
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(self._expire)
            await super().handle()
            tasks.cancel_scope.cancel()

    async def _expire(self) -> None:
        await self.context.authenticated.wait()
        assert self.context.expires is not None
        await anyio.sleep(max(0.0, (self.context.expires - datetime.now(UTC)).total_seconds()))
        await self.websocket.close(4403, "the token has expired")


class LiveSocket(GraphQL[LiveContext, None]):
    """The WebSocket side of ``/graphql``."""

    graphql_transport_ws_handler_class = _Handler

    def __init__(self, schema: BaseSchema, allowed_origins: Sequence[str] = ()) -> None:
        super().__init__(schema, graphql_ide=None, subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
                         connection_init_wait_timeout=INIT_WITHIN, max_subscriptions_per_connection=MAX_SUBSCRIPTIONS,
                         allowed_origins=allowed_origins)

    async def get_context(self, request: Any, response: Any) -> LiveContext:
        """The connection's context; its caller is known once ``connection_init`` is checked."""
        assert isinstance(request, WebSocket)
        state = request.app.state
        return LiveContext(request=request, response=response, graph=state.graph, rules=state.rules,
                           signing_key=state.signing_key, dataloaders=DataLoaders(CustomerRepository(state.graph)),
                           max_query_cost=state.max_query_cost, caller=None, settings=state.settings,
                           feed=state.live)

    async def on_ws_connect(self, context: LiveContext) -> UnsetType | dict[str, object] | None:
        context.caller, context.expires = await authenticate(context.signing_key, context.connection_params,
                                                             context.request.headers.get("authorization"))
        context.authenticated.set()
        return await super().on_ws_connect(context)
