"""Stable error codes, and no internals in what clients see.

Every error carries ``extensions.code``: ``BAD_USER_INPUT`` (the message names the field and the reason),
``FORBIDDEN`` (the role may not do this), ``GRAPHQL_VALIDATION_FAILED`` (the query itself is wrong or over a
limit), ``STORE_UNAVAILABLE`` (the graph store is down or full: retry after the ``Retry-After`` header's
seconds) or ``INTERNAL_SERVER_ERROR`` (anything unexpected: the message is generic and the details go to the
server log, never to the client).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from strawberry.exceptions import MissingQueryError
from strawberry.extensions import MaskErrors
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError

from graph.errors import StoreUnavailableError

log = logging.getLogger("c360.api")
#: what strawberry raises from an operation for its HTTP view to refuse (mutation by GET, unknown operation name)
REFUSED_BY_THE_VIEW = (CannotGetOperationTypeError, InvalidOperationTypeError, MissingQueryError)
#: a restarted embedded store answers within 2-4 s
RETRY_AFTER_S = 5
STORE_UNAVAILABLE = "STORE_UNAVAILABLE"
#: the store's own account (log path, URI) goes to the server log only
STORE_UNAVAILABLE_MESSAGE = "The graph store is unavailable; retry later."
UNEXPECTED = "Internal error; see the server log."


class UserInputError(GraphQLError):
    """An error in what the client sent: its message is shown as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message, extensions={"code": "BAD_USER_INPUT"})


class ForbiddenError(GraphQLError):
    """The caller's role may not do this: the message says what is refused."""

    def __init__(self, message: str) -> None:
        super().__init__(message, extensions={"code": "FORBIDDEN"})


def _unexpected(error: GraphQLError) -> bool:
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError)


def _store_unavailable(error: GraphQLError) -> bool:
    return isinstance(error.original_error, StoreUnavailableError)


class CodedErrors(MaskErrors):
    """Masks unexpected failures (logged with their traceback) and gives every error its code."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=_unexpected, error_message=UNEXPECTED)

    def on_operation(self) -> Iterator[None]:
        """Also masks an exception escaping another extension's hook: it skips the code after each hook's
        ``yield``, where strawberry masks and codes errors, and would reach the client as it is."""
        masking = super().on_operation()
        next(masking)
        try:
            yield
        except (GraphQLError, *REFUSED_BY_THE_VIEW):  # the view answers these with a 400 itself
            raise
        except Exception as error:
            log.error("unexpected error in an extension", exc_info=error)
            raise GraphQLError(UNEXPECTED, extensions={"code": "INTERNAL_SERVER_ERROR"}) from None
        next(masking, None)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        if _store_unavailable(error):  # an outage, not a bug: one line in the log, no traceback
            log.warning("store unavailable at %s: %s", error.path, error.original_error)
            masked = super().anonymise_error(error)
            masked.message = STORE_UNAVAILABLE_MESSAGE
            masked.extensions = {"code": STORE_UNAVAILABLE}
            return masked
        log.error("unexpected error at %s", error.path, exc_info=error.original_error)
        masked = super().anonymise_error(error)
        masked.extensions = {"code": "INTERNAL_SERVER_ERROR"}
        return masked

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        if any(_store_unavailable(error) for error in errors):
            response = getattr(self.execution_context.context, "response", None)
            if response is not None:
                response.headers["Retry-After"] = str(RETRY_AFTER_S)
        processed = super()._process_errors(errors)
        for error in processed:
            if not (error.extensions or {}).get("code"):
                # a resolver's own GraphQLError has a path; one without comes from parsing or validation
                error.extensions = {**(error.extensions or {}),
                                    "code": "BAD_USER_INPUT" if error.path else "GRAPHQL_VALIDATION_FAILED"}
        return processed


def graphql_name(field: str) -> str:
    """A domain input name as a GraphQL argument or input field is spelled: ``house_number`` → ``houseNumber``."""
    head, *rest = field.split("_")
    return head + "".join(part.capitalize() for part in rest)


async def store_unavailable(request: Request, error: Exception) -> Response:
    """The routes outside GraphQL (GeoJSON, CSV): ``503`` with ``Retry-After`` and the code in a JSON body."""
    log.warning("store unavailable at %s: %s", request.url.path, error)
    return JSONResponse({"error": "store_unavailable", "code": STORE_UNAVAILABLE, "message": STORE_UNAVAILABLE_MESSAGE},
                        status_code=503, headers={"Retry-After": str(RETRY_AFTER_S)})


def request_refused(status_code: int, message: str) -> JSONResponse:
    """A request refused before GraphQL could run (not UTF-8, not JSON, no query), answered as GraphQL answers
    errors; a lone surrogate the client sent is shown escaped, since no UTF-8 encoder can write it."""
    shown = message.encode("utf-8", "backslashreplace").decode("utf-8")
    return JSONResponse({"errors": [{"message": shown, "extensions": {"code": "BAD_USER_INPUT"}}]},
                        status_code=status_code)
