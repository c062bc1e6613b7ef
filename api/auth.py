"""Bearer tokens (JWT, HS256) carrying one role: who is calling the API and what they may see and change.

Tokens are signed with ``C360_JWT_SECRET`` or, when unset, a key created once under ``$C360_HOME`` (mode
0600), so that ``c360 token`` and ``c360 serve`` on one machine agree without configuration. A key shorter
than the hash (32 bytes, RFC 7518 §3.2) can be found offline from a single token, so it is refused at start.
Every ``/graphql`` request needs a valid token, except loading the GraphiQL page itself (a browser cannot send
a header when opening a URL; the page sends the token with every query).
"""

from __future__ import annotations

import os
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
#: signs and verifies with keys of MIN_KEY_BYTES at least, whatever path a key came by
_JWT = jwt.PyJWT(options={"enforce_minimum_key_length": True})


class Role(StrEnum):
    AGENT = "agent"
    ANALYST = "analyst"
    MARKETING = "marketing"
    #: the data-protection officer: answers the rights requests of the people c360 holds data about
    DPO = "dpo"
    ADMIN = "admin"


@dataclass(frozen=True)
class Principal(BaseUser):
    subject: str
    role: Role

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


def issue_token(key: str, role: str, subject: str, lifetime: timedelta) -> str:
    try:
        checked = Role(role)
    except ValueError:
        raise InputError(f"{role!r} is not a role; roles: {', '.join(r.value for r in Role)}", "role") from None
    now = datetime.now(UTC)
    claims = {"iss": ISSUER, "sub": subject, "role": checked.value, "iat": now, "exp": now + lifetime}
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
        return Principal(subject=str(claims["sub"]), role=Role(claims["role"]))
    except ValueError:
        raise AuthenticationError(f"invalid token: unknown role {claims['role']!r}") from None


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


class RequireToken:
    """Refuses unauthenticated requests to the wrapped app with 401, except (``page``) a browser opening the
    app's own page, like GraphiQL: the page then sends the token with every request."""

    def __init__(self, app: ASGIApp, page: bool = False) -> None:
        self.app = app
        self.page = page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        opens_page = self.page and _opens_page(scope)
        if scope["type"] == "http" and not scope["user"].is_authenticated and not opens_page:
            response = unauthorized(HTTPConnection(scope), AuthenticationError(
                "a token is required: 'Authorization: Bearer <token>' (c360 token --role agent)"))
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _opens_page(scope: Scope) -> bool:
    accept = dict(scope["headers"]).get(b"accept", b"").decode("latin-1")
    return scope["method"] == "GET" and "text/html" in accept and not scope.get("query_string")
