"""Bearer tokens (JWT, HS256) carrying one role: who is calling the API and what they may see and change.

Tokens are signed with ``C360_JWT_SECRET`` or, when unset, a key created once under ``$C360_HOME`` (mode
0600), so that ``c360 token`` and ``c360 serve`` on one machine agree without configuration. A key shorter
than the hash (32 bytes, RFC 7518 §3.2) can be found offline from a single token, so it is refused at start.
Every ``/graphql`` request needs a valid token, except loading the GraphiQL page itself (a browser cannot send
a header when opening a URL; the page sends the token with every query).
"""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path

import jwt
from starlette.authentication import (
    AuthCredentials,
    AuthenticationBackend,
    AuthenticationError,
    BaseUser,
)
from starlette.requests import HTTPConnection
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from graph.errors import C360Error, InputError
from graph.home import private_dir
from graph.settings import Settings

ISSUER = "c360"
ALGORITHM = "HS256"
KEY_FILE = "jwt-secret"
#: the shortest signing key accepted: HS256's output size
MIN_KEY_BYTES = 32
#: a source's name, as ``[source].name`` takes it (``loaders.mapping``)
SOURCE_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
#: signs and verifies with keys of MIN_KEY_BYTES at least, whatever path a key came by
_JWT = jwt.PyJWT(options={"enforce_minimum_key_length": True})


class Role(StrEnum):
    AGENT = "agent"
    ANALYST = "analyst"
    MARKETING = "marketing"
    #: the data-protection officer: answers the rights requests of the people c360 holds data about
    DPO = "dpo"
    ADMIN = "admin"
    #: a sending system, bound to one source: it may post that source's rows (``api.ingest``) and read nothing
    SOURCE = "source"


@dataclass(frozen=True)
class Principal(BaseUser):
    subject: str
    role: Role
    #: the one source a ``source`` token may send rows for; None for every other role
    source: str | None = None

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def display_name(self) -> str:
        return self.subject


def signing_key(settings: Settings) -> str:
    """The configured secret, or the one kept in ``$C360_HOME`` (created on first use); refused when too short."""
    if settings.c360_jwt_secret is not None:
        return _long_enough(settings.c360_jwt_secret.get_secret_value(), "C360_JWT_SECRET")
    path = settings.home / KEY_FILE
    if not path.exists():
        _create_key(path)
    return _long_enough(path.read_text(encoding="utf-8").strip(), str(path))


def _long_enough(key: str, where: str) -> str:
    size = len(key.encode("utf-8"))
    if size < MIN_KEY_BYTES:
        raise C360Error(f"{where} is too short: a key signing API tokens needs at least {MIN_KEY_BYTES} bytes, "
                        f"it has {size} (make one with `openssl rand -base64 48`)")
    return key


def _create_key(path: Path) -> None:
    private_dir(path.parent)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(secrets.token_urlsafe(48))


def issue_token(key: str, role: str, subject: str, lifetime: timedelta, source: str | None = None) -> str:
    """A signed token; a ``source`` token names its source (``source``), no other role's does."""
    try:
        checked = Role(role)
    except ValueError:
        raise InputError(f"{role!r} is not a role; roles: {', '.join(r.value for r in Role)}", "role") from None
    if (checked is Role.SOURCE) != (source is not None):
        raise InputError("a source token names its source (--source crm); no other role's does", "source")
    if source is not None and not SOURCE_NAME.match(source):
        raise InputError("not a source name: lower-case letters, digits, '-' or '_', starting with a letter",
                         "source")
    now = datetime.now(UTC)
    claims = {"iss": ISSUER, "sub": subject, "role": checked.value, "iat": now, "exp": now + lifetime}
    if source is not None:
        claims["source"] = source
    return _JWT.encode(claims, key, algorithm=ALGORITHM)


def verify_token(key: str, token: str) -> Principal:
    """The caller a token names; ``AuthenticationError`` with the reason when it is not valid."""
    try:
        claims = _JWT.decode(token, key, algorithms=[ALGORITHM], issuer=ISSUER,
                             options={"require": ["exp", "iat", "sub", "role", "iss"]})
    except jwt.ExpiredSignatureError:
        raise AuthenticationError("the token has expired") from None
    except jwt.InvalidTokenError as error:
        raise AuthenticationError(f"invalid token: {error}") from None
    try:
        role = Role(claims["role"])
    except ValueError:
        raise AuthenticationError(f"invalid token: unknown role {claims['role']!r}") from None
    source = claims.get("source")
    if (role is Role.SOURCE) != (source is not None) or (source is not None and not (
            isinstance(source, str) and SOURCE_NAME.match(source))):
        raise AuthenticationError("invalid token: a source token names one source, no other role's does")
    return Principal(subject=str(claims["sub"]), role=role, source=source)


class BearerTokens(AuthenticationBackend):
    def __init__(self, key: str) -> None:
        self.key = key

    async def authenticate(self, conn: HTTPConnection) -> tuple[AuthCredentials, BaseUser] | None:
        header = conn.headers.get("authorization")
        if not header:
            return None
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthenticationError("send the token as 'Authorization: Bearer <token>'")
        principal = verify_token(self.key, token.strip())
        return AuthCredentials([principal.role.value]), principal


def unauthorized(conn: HTTPConnection, error: Exception) -> Response:
    return JSONResponse({"error": "unauthorized", "message": str(error)}, status_code=401,
                        headers={"WWW-Authenticate": 'Bearer realm="c360"'})


def forbidden(message: str) -> Response:
    return JSONResponse({"error": "forbidden", "message": message}, status_code=403)


class RequireToken:
    """Refuses unauthenticated requests to the wrapped app with 401, except (``page``) a browser opening the
    app's own page, like GraphiQL: the page then sends the token with every request. ``source`` tokens,
    which may only send rows (``api.ingest``), are refused with 403 unless ``sources`` says the app takes them."""

    def __init__(self, app: ASGIApp, page: bool = False, sources: bool = False) -> None:
        self.app = app
        self.page = page
        self.sources = sources

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        opens_page = self.page and _opens_page(scope)
        if scope["type"] == "http" and not scope["user"].is_authenticated and not opens_page:
            response = unauthorized(HTTPConnection(scope), AuthenticationError(
                "a token is required: 'Authorization: Bearer <token>' (c360 token --role agent)"))
            await response(scope, receive, send)
            return
        user = scope.get("user")
        if (scope["type"] == "http" and not self.sources and isinstance(user, Principal)
                and user.role is Role.SOURCE):
            await forbidden("the source role may only send its source's rows (POST /ingest/<source>)")(
                scope, receive, send)
            return
        await self.app(scope, receive, send)


def _opens_page(scope: Scope) -> bool:
    accept = dict(scope["headers"]).get(b"accept", b"").decode("latin-1")
    return scope["method"] == "GET" and "text/html" in accept and not scope.get("query_string")
