"""What every resolver of one request can reach, typed: the graph, the rules, the caller and the batch loaders."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from starlette.requests import HTTPConnection
from strawberry.types import Info as StrawberryInfo

from api.access import Masker
from api.auth import Principal
from api.dataloaders import DataLoaders
from graph.database import Graph
from graph.settings import Settings
from privacy.access_log import Seen
from resolution.rules import Rules


@dataclass
class Context:
    #: the HTTP request, or the WebSocket of a subscription (``api.live_socket``)
    request: HTTPConnection
    response: Any
    graph: Graph
    rules: Rules
    signing_key: str
    dataloaders: DataLoaders
    #: the most an operation may cost (``api.query_cost``)
    max_query_cost: int
    #: None only while the GraphiQL page itself is served (``RequireToken`` lets nothing else through)
    caller: Principal | None
    #: where C360_HOME is (an erasure scrubs its files), the controller's name, the access log's retention
    settings: Settings
    #: the customers this request read, written to the access log once it is answered (``api.access_logging``)
    seen: Seen = field(default_factory=Seen)
    #: the operation's name, when the client gave one (or the document holds one operation with a name)
    operation: str | None = None

    @property
    def principal(self) -> Principal:
        if self.caller is None:
            raise RuntimeError("a GraphQL operation without a caller: RequireToken must guard the endpoint")
        return self.caller

    @cached_property
    def masker(self) -> Masker:
        """The caller's role applied to personal data."""
        return Masker.for_principal(self.principal, self.signing_key)


Info = StrawberryInfo[Context, None]
