"""Knowing at once that the store is down or its disk full, and following the embedded store to a new port.

The driver replays a unit of work for up to 30 s when a connection fails, which is right for a store that
blinks (a Neo4j leader election) and wrong for one that is gone: a request then hangs for half a minute and a
load prints "will be retried" for a minute. The driver asks a *resolver* for the address of every new
connection, inside that replay loop; c360's resolver answers from what it knows about the store:

- embedded: the port its running server recorded in ``C360_HOME/server.json`` — or, when that server's
  process is gone, a ``StoreUnavailableError`` at once ("the store stopped (log: PATH)"). A running API thus
  follows a store restarted on another port, without a restart of its own;
- Neo4j (``bolt://``, one server): the configured address, after checking that it accepts TCP connections
  (the URI is fixed; the driver reconnects by itself once it is back);
- a Neo4j cluster or Aura (``neo4j://``, ``neo4j+s://``): every address unchanged and unprobed. The routing
  driver asks the resolver for each router and each member it connects to, and skips one that fails to
  move on to the next; a resolver that raised for one member down would fail a query the others can answer.
  The host name is kept, so ``+s`` still verifies the certificate against it.

Errors the driver gives up on are explained here too: a lost store, and a full disk, which the embedded
store reports as a failed commit with the cause only in its log.
"""

from __future__ import annotations

import shutil
import socket
from collections.abc import Iterable
from typing import Protocol
from urllib.parse import urlsplit

from neo4j import Address
from neo4j.exceptions import (
    AuthError,
    ConstraintError,
    CypherSyntaxError,
    CypherTypeError,
    DriverError,
    Forbidden,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
)

from graph.embedded import EmbeddedServer
from graph.errors import StoreUnavailableError

#: below this much free space under its data, a store error is a full disk: the embedded store grows its
#: files by whole pages and write-ahead-log chunks, so a disk that refused one is left with less than that
FULL_BELOW_BYTES = 64 * 1024 * 1024
NO_SPACE = "No space left on device"
#: URI schemes of the routing driver: a cluster's members come from its routing table
ROUTING_SCHEMES = frozenset({"neo4j", "neo4j+s", "neo4j+ssc"})


def is_routing(uri: str) -> bool:
    """Whether the driver for ``uri`` routes (a cluster, Aura) rather than talks to one fixed server."""
    return urlsplit(uri).scheme.lower() in ROUTING_SCHEMES


class Availability(Protocol):
    """What c360 knows about one store beyond the driver: where it listens now, and why a query failed."""

    uri: str

    def addresses(self, address: Address) -> Iterable[Address]:
        """The driver's resolver: where to connect now, or a ``StoreUnavailableError`` when it is down."""
        ...

    def explain(self, error: DriverError | Neo4jError) -> StoreUnavailableError | None:
        """An error the driver gave up on, as the one line a user can act on; None if it says nothing of the
        store's health (a bad query, a constraint)."""
        ...


def _unreachable(uri: str, error: Exception) -> StoreUnavailableError:
    reason = str(error).strip().splitlines()[-1] if str(error).strip() else type(error).__name__
    return StoreUnavailableError(f"cannot reach the graph store at {uri}: {reason}")


#: errors of the query or the caller: they say nothing of the store's disk
_CALLER_FAULTS = (ConstraintError, CypherSyntaxError, CypherTypeError, AuthError, Forbidden)


def _about_the_store(error: DriverError | Neo4jError) -> bool:
    return isinstance(error, Neo4jError) and not isinstance(error, _CALLER_FAULTS)


class EmbeddedAvailability:
    """The embedded server under one ``C360_HOME``, wherever it listens now."""

    def __init__(self, server: EmbeddedServer, uri: str) -> None:
        self.server = server
        self.uri = uri

    def stopped(self) -> StoreUnavailableError:
        return StoreUnavailableError(f"the store stopped (log: {self.server.log_file})")

    def addresses(self, address: Address) -> Iterable[Address]:
        state = self.server.running()
        if state is None:
            raise self.stopped()
        return [Address(("127.0.0.1", state.bolt_port))]

    def explain(self, error: DriverError | Neo4jError) -> StoreUnavailableError | None:
        if _about_the_store(error) and _disk_full(self.server):
            return StoreUnavailableError(f"disk full ({self.server.data_dir})")
        if not isinstance(error, DriverError):
            return None
        state = self.server.running()
        if state is None:
            return self.stopped()
        if isinstance(error, ServiceUnavailable | SessionExpired):
            return _unreachable(state.uri, error)
        return None


def _disk_full(server: EmbeddedServer) -> bool:
    try:
        return shutil.disk_usage(server.data_dir).free < FULL_BELOW_BYTES
    except OSError:
        return False


class RemoteAvailability:
    """A Neo4j server at a fixed URI: a refused connection is reported at once instead of retried for 30 s.

    Behind a routing URI the members are the driver's to fail over between: their addresses pass as given.
    """

    def __init__(self, uri: str, timeout: float) -> None:
        self.uri = uri
        self.timeout = timeout
        self.routing = is_routing(uri)

    def addresses(self, address: Address) -> Iterable[Address]:
        if self.routing:
            return [address]
        try:
            socket.create_connection((address.host, address.port), timeout=self.timeout).close()
        except OSError as error:
            raise _unreachable(self.uri, error) from error
        return [address]

    def explain(self, error: DriverError | Neo4jError) -> StoreUnavailableError | None:
        if _about_the_store(error) and NO_SPACE in str(error):
            return StoreUnavailableError(f"disk full (the store at {self.uri})")
        if isinstance(error, ServiceUnavailable | SessionExpired):
            return _unreachable(self.uri, error)
        return None
