"""Settings from the environment, in one typed object: no other module reads ``os.environ``."""

import json
import re
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

#: an origin as a browser sends it: scheme, host, optional port; no path, no trailing slash, no wildcard
ORIGIN = re.compile(r"^https?://[^/\s*:]+(:\d{1,5})?$")

#: what the official driver accepts: ``bolt`` talks to one server, ``neo4j`` routes over a cluster; ``+s``
#: encrypts and verifies the certificate, ``+ssc`` encrypts and accepts a self-signed one
DRIVER_SCHEMES = frozenset({"bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc"})


class Settings(BaseSettings):
    """Where the graph lives.

    Without ``NEO4J_URI`` c360 runs its embedded store under ``C360_HOME``; with it, the same code talks
    to Neo4j 5.
    """

    model_config = SettingsConfigDict(env_prefix="", case_sensitive=False, extra="ignore")

    neo4j_uri: str | None = Field(
        default=None, description="URI of Neo4j 5: bolt:// one server, neo4j+s:// a cluster or Aura; unset: embedded")
    neo4j_user: str = "neo4j"
    neo4j_password: SecretStr | None = None
    neo4j_database: str = "neo4j"
    c360_home: Path = Field(default=Path(".c360"), description="Data, logs, rejects of the embedded store")
    c360_bolt_port: int = Field(default=0, ge=0, le=65535, description="Embedded Bolt port; 0 picks a free one")
    c360_jwt_secret: SecretStr | None = Field(
        default=None, description="Key signing API tokens; unset: $C360_HOME/jwt-secret, created on first use")
    c360_max_body_bytes: int = Field(
        default=1_048_576, ge=1, description="Largest request body the API reads; larger ones are refused (413)")
    c360_max_query_cost: int = Field(
        default=20_000, ge=1, description="Largest GraphQL query cost (fields times page sizes) the API runs")
    c360_heap: str = Field(default="1g", pattern=r"^\d+[mMgG]$", description="Java heap of the embedded store")
    c360_controller: str | None = Field(
        default=None, description="The data controller's name, printed on subject-access exports; unset: left out")
    c360_access_log_days: int = Field(
        default=400, ge=1, description="Days the API's log of who read whose personal data is kept (docs/privacy.md)")
    c360_cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Origins whose pages may call /graphql and /geo from a browser (CORS); "
                                          "empty: no CORS headers, same-origin pages only")
    c360_match_backend: Literal["duckdb", "spark"] = Field(
        default="duckdb", description="Where the matching model runs: in-process DuckDB, or Spark (pip extra spark)")

    @field_validator("c360_cors_origins", mode="before")
    @classmethod
    def _origins(cls, value: object) -> object:
        """Comma-separated (``https://a.example,https://b.example``) or a JSON list; each an exact origin, as the
        browser's ``Origin`` header is compared byte for byte: ``*`` is refused, every origin is named."""
        if isinstance(value, str):
            text = value.strip()
            value = json.loads(text) if text.startswith("[") else [p.strip() for p in text.split(",") if p.strip()]
        if isinstance(value, list):
            for origin in value:
                if not isinstance(origin, str) or not ORIGIN.match(origin):
                    raise ValueError(f"{origin!r} is not an origin: give scheme://host[:port] (no path, no '/' at the "
                                     "end, no '*'), e.g. https://crm.example.com")
        return value

    @field_validator("neo4j_uri")
    @classmethod
    def _driver_scheme(cls, uri: str | None) -> str | None:
        """A scheme the driver does not know (``http://``, a typo) is refused when read, not at the first query."""
        if uri and urlsplit(uri).scheme.lower() not in DRIVER_SCHEMES:
            raise ValueError(f"NEO4J_URI must start with one of {', '.join(sorted(DRIVER_SCHEMES))}://")
        return uri

    @property
    def embedded(self) -> bool:
        return not self.neo4j_uri

    @property
    def home(self) -> Path:
        return self.c360_home.expanduser().resolve()
