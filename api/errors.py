"""Stable error codes, and no internals in what clients see.

Every error carries ``extensions.code``: ``BAD_USER_INPUT`` (the message names the field and the reason),
``FORBIDDEN`` (the role may not do this), ``GRAPHQL_VALIDATION_FAILED`` (the query itself is wrong or over a
limit) or ``INTERNAL_SERVER_ERROR`` (anything unexpected: the message is generic and the details go to the
server log, never to the client).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from graphql import GraphQLError
from starlette.responses import JSONResponse
from strawberry.extensions import MaskErrors

log = logging.getLogger("c360.api")
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
        except GraphQLError:
            raise
        except Exception as error:
            log.error("unexpected error in an extension", exc_info=error)
            raise GraphQLError(UNEXPECTED, extensions={"code": "INTERNAL_SERVER_ERROR"}) from None
        next(masking, None)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        log.error("unexpected error at %s", error.path, exc_info=error.original_error)
        masked = super().anonymise_error(error)
        masked.extensions = {"code": "INTERNAL_SERVER_ERROR"}
        return masked

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
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


def request_refused(status_code: int, message: str) -> JSONResponse:
    """A request refused before GraphQL could run (not UTF-8, not JSON, no query), answered as GraphQL answers
    errors; a lone surrogate the client sent is shown escaped, since no UTF-8 encoder can write it."""
    shown = message.encode("utf-8", "backslashreplace").decode("utf-8")
    return JSONResponse({"errors": [{"message": shown, "extensions": {"code": "BAD_USER_INPUT"}}]},
                        status_code=status_code)
