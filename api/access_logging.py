"""Who looked at whom, as the API sees it: each request's reads of customers gathered, and written to the
access log (``privacy.access_log``) in one statement once the operation has run, before the answer leaves
(``flush``, called by the GraphQL view: a schema extension's hook that awaits would break the schema's
synchronous uses, introspection among them).

In GraphQL every field resolved on a ``Customer`` is noted by ``AccessLogging.resolve`` (so the log names the
fields actually read, on every path that reaches a customer: lookups, searches, ``node``, marketing lists,
mutation answers); paths that show a customer's data without a ``Customer`` object (a record or an event by
``node``, a subject-access export) note it themselves. The GeoJSON and CSV routes note the customers their
answer shows (``log_route``).

The log fails closed: when it cannot be written, the data is not sent (``STORE_UNAVAILABLE``, or a 503 on the
routes). A log that may silently miss reads cannot answer "who saw my data", and a store that cannot take a
small write is failing anyway; a read the log could not record is a read that did not happen.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import anyio
from anyio import to_thread
from graphql import GraphQLError, GraphQLResolveInfo
from starlette.requests import Request
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionResult

from api.auth import Principal
from api.context import Context
from api.customer import Customer
from api.errors import RETRY_AFTER_S, STORE_UNAVAILABLE, STORE_UNAVAILABLE_MESSAGE, UNEXPECTED
from graph.database import Graph
from graph.errors import StoreUnavailableError
from privacy.access_log import Reader, Seen, purge, record

log = logging.getLogger("c360.api")
#: how often the server purges entries past their retention (once at start, then daily)
PURGE_EVERY_S = 24 * 3600.0


class AccessLogging(SchemaExtension):
    """Notes every ``Customer`` field resolved, and the operation's name."""

    def resolve(self, _next: Callable[..., Any], root: Any, info: GraphQLResolveInfo[Context], *args: Any,
                **kwargs: Any) -> Any:
        if isinstance(root, Customer):
            info.context.seen.saw(str(root.id), info.field_name)
        return _next(root, info, *args, **kwargs)

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context.context
        if isinstance(context, Context):
            context.operation = self.execution_context.operation_name
        yield


async def flush(context: Context, result: ExecutionResult) -> ExecutionResult:
    """The operation's reads written in one statement, and its ``result`` sent; when the log cannot be
    written, the result is withheld (``STORE_UNAVAILABLE``, or ``INTERNAL_SERVER_ERROR``, logged)."""
    if not context.seen.fields:
        return result
    principal = context.principal
    reader = Reader(principal.subject, principal.role.value, context.operation)
    try:
        await to_thread.run_sync(record, context.graph, context.seen, reader, datetime.now(UTC))
    except StoreUnavailableError as error:
        log.warning("access log not written, the answer is withheld: %s", error)
        context.response.headers["Retry-After"] = str(RETRY_AFTER_S)
        return _withheld(STORE_UNAVAILABLE_MESSAGE, STORE_UNAVAILABLE)
    except Exception as error:
        log.error("access log not written, the answer is withheld", exc_info=error)
        return _withheld(UNEXPECTED, "INTERNAL_SERVER_ERROR")
    finally:
        context.seen.fields.clear()
    return result


def _withheld(message: str, code: str) -> ExecutionResult:
    return ExecutionResult(data=None, errors=[GraphQLError(message, extensions={"code": code})])


async def log_route(request: Request, customers: Iterable[str], fields: Iterable[str]) -> None:
    """The customers a route's answer shows, with the fields it shows of them, in one write; a failure
    propagates (the route answers 503 and sends nothing)."""
    seen = Seen()
    seen.saw_all(customers, *fields)
    user = request.user
    assert isinstance(user, Principal)  # RequireToken let the request through
    reader = Reader(user.subject, user.role.value, request.url.path)
    await to_thread.run_sync(record, request.app.state.graph, seen, reader, datetime.now(UTC))


@asynccontextmanager
async def keeping_access_log(graph: Graph, days: int) -> AsyncIterator[None]:
    """While the server runs: entries older than ``days`` purged at start, then once a day."""
    await _purge(graph, days)
    async with anyio.create_task_group() as tasks:
        tasks.start_soon(_daily, lambda: _purge(graph, days))
        yield
        tasks.cancel_scope.cancel()


async def _daily(work: Callable[[], Awaitable[None]]) -> None:
    while True:
        await anyio.sleep(PURGE_EVERY_S)
        await work()


async def _purge(graph: Graph, days: int) -> None:
    """A failed purge is retried the next day: the server keeps answering (and logging) meanwhile."""
    try:
        purged = await to_thread.run_sync(purge, graph, days, datetime.now(UTC))
    except StoreUnavailableError as error:
        log.warning("access log not purged: %s", error)
        return
    if purged:
        log.info("access log: %d entries older than %d days purged", purged, days)
