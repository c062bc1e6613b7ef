"""Where changes go: destinations described in a TOML file (docs/sync.md, ``docs/destinations.example.toml``).

Each destination names the kinds of change it wants, the fields that matter to it (under its own names),
optional gates (a segment, a consent purpose granted) and, for a webhook, where the key of its signatures is:
an environment variable or a file, never the key itself, so the file can be committed and shown in reviews.
"""

from __future__ import annotations

import ipaddress
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from graph.errors import InputError
from graph.outbox import KINDS

#: what a destination name may look like: it is compared with sources' names (the no-echo rule) and shown
NAME = r"^[a-z0-9][a-z0-9_.-]{0,63}$"


class Retry(BaseModel):
    """How often and how patiently an event is tried before it becomes a dead letter."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    attempts: int = Field(default=5, ge=1, le=50)
    backoff_seconds: float = Field(default=1.0, ge=0, le=3600)
    max_backoff_seconds: float = Field(default=60.0, ge=0, le=86400)
    timeout_seconds: float = Field(default=10.0, gt=0, le=600)


class Gates(BaseModel):
    """Only customers in this segment, or with this consent purpose currently granted, are sent."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    segment: str | None = None
    consent: str | None = None


class Destination(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=NAME)
    kind: Literal["webhook", "jsonl"]
    url: str | None = None
    directory: Path | None = None
    kinds: tuple[str, ...] = tuple(KINDS)
    fields: tuple[str, ...] | None = None
    rename: dict[str, str] = Field(default_factory=dict)
    gates: Gates = Gates()
    secret_env: str | None = Field(default=None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    secret_file: Path | None = None
    allow_http: bool = False
    retry: Retry = Retry()

    @field_validator("kinds")
    @classmethod
    def _known_kinds(cls, kinds: tuple[str, ...]) -> tuple[str, ...]:
        if unknown := sorted(set(kinds) - set(KINDS)):
            raise ValueError(f"unknown kind of change {unknown[0]!r} (one of {', '.join(KINDS)})")
        return kinds

    @model_validator(mode="after")
    def _where(self) -> Destination:
        if self.kind == "webhook":
            if not self.url:
                raise ValueError("a webhook needs a url")
            parts = urlsplit(self.url)
            if parts.scheme not in ("https", "http") or not parts.hostname:
                raise ValueError("url: give an https:// address")
            if parts.scheme == "http" and not (self.allow_http or _loopback(parts.hostname)):
                raise ValueError("url: plain http sends customers' data in clear; use https (or allow_http = true)")
            if (self.secret_env is None) == (self.secret_file is None):
                raise ValueError("a webhook signs what it sends: give secret_env or secret_file (not both)")
        elif self.directory is None:
            raise ValueError("a jsonl destination needs a directory")
        return self

    def secret(self, environ: Mapping[str, str]) -> bytes:
        """The signing key, read where the file says: an environment variable or a file."""
        if self.secret_env is not None:
            value = environ.get(self.secret_env, "")
            if not value:
                raise InputError(f"destination {self.name}: the environment variable {self.secret_env} is not set")
            return value.encode()
        assert self.secret_file is not None
        try:
            value = self.secret_file.expanduser().read_text(encoding="utf-8").strip()
        except OSError as error:
            raise InputError(f"destination {self.name}: cannot read secret_file {self.secret_file}: "
                             f"{error.strerror}") from None
        if not value:
            raise InputError(f"destination {self.name}: secret_file {self.secret_file} is empty")
        return value.encode()


class Destinations(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    #: the CloudEvents ``source`` of every event: which c360 sent it
    source: str = "urn:c360"
    destinations: tuple[Destination, ...] = ()

    @model_validator(mode="after")
    def _unique(self) -> Destinations:
        names = [d.name for d in self.destinations]
        if duplicate := next((n for n in names if names.count(n) > 1), None):
            raise ValueError(f"two destinations are named {duplicate!r}")
        return self

    def named(self, name: str) -> Destination:
        found = next((d for d in self.destinations if d.name == name), None)
        if found is None:
            raise InputError(f"no destination {name!r} (configured: {', '.join(d.name for d in self.destinations)})",
                             "destination")
        return found


def read_destinations(path: Path) -> Destinations:
    """The destinations file, validated: a bad one is an error naming the file, the entry and the reason."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise InputError(f"{path}: {error.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: not valid TOML: {error}") from None
    try:
        return Destinations.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        message = first["msg"].removeprefix("Value error, ")
        raise InputError(f"{path}: {where + ': ' if where else ''}{message}") from None


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
