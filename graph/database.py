"""One access path to the graph: the official driver, named queries, managed transactions."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from neo4j import Driver, GraphDatabase, ManagedTransaction, RoutingControl
from neo4j.exceptions import AuthError, ConstraintError, DriverError, Neo4jError

from cypher import query, statements
from graph.availability import Availability, EmbeddedAvailability, RemoteAvailability
from graph.capabilities import Capabilities, components, detect, to_python
from graph.embedded import DATABASE, USER, EmbeddedServer
from graph.errors import StoreUnavailableError
from graph.home import tighten
from graph.settings import Settings

T = TypeVar("T")
#: a TCP connection (and the Bolt handshake) to a healthy store takes milliseconds: give up after this
CONNECT_TIMEOUT_S = 5.0
#: waiting for a connection of the pool, the connecting included
ACQUIRE_TIMEOUT_S = 15.0


@dataclass(frozen=True)
class Connection:
    """How an analyst's Bolt client reaches the store c360 uses."""

    uri: str
    user: str
    database: str
    password_hint: str


class Queries(Protocol):
    """Named queries that read and write: a ``Graph``, or one transaction of it (``Graph.transaction``)."""

    def read(self, name: str, **params: Any) -> list[dict[str, Any]]: ...

    def write(self, name: str, **params: Any) -> list[dict[str, Any]]: ...


class Transaction:
    """Named queries inside one write transaction: what they write is seen by the next, and lands with it."""

    def __init__(self, graph: Graph, tx: ManagedTransaction) -> None:
        self._graph = graph
        self._tx = tx

    def read(self, name: str, **params: Any) -> list[dict[str, Any]]:
        self._graph.statements += 1
        return [self._graph._python(record.data()) for record in self._tx.run(query(name), params)]

    write = read


class Graph:
    """A graph store reached through the driver; every query is a named ``.cypher`` file.

    ``read`` and ``write`` run as managed transactions, so the driver retries transient failures by
    replaying the whole unit of work. A store that is gone or full raises ``StoreUnavailableError`` with the
    reason (``graph.availability``), at once rather than after the driver's retries.
    """

    def __init__(self, driver: Driver, database: str, connection: Connection, availability: Availability) -> None:
        self.driver = driver
        self.database = database
        self.connection = connection
        self.availability = availability
        with self._failures():
            self.capabilities: Capabilities = detect(driver.get_server_info().agent)
        #: statements sent so far: how tests see that the API batches its reads (no N+1)
        self.statements = 0

    def _failures(self) -> contextlib.AbstractContextManager[None]:
        return _explained(self.availability)

    def read(self, name: str, **params: Any) -> list[dict[str, Any]]:
        """Rows with Python values: temporal values as ``datetime``/``date``, instants time-zone aware."""
        self.statements += 1
        with self._failures():
            records, _, _ = self.driver.execute_query(
                query(name), params, database_=self.database, routing_=RoutingControl.READ)
        return [self._python(record.data()) for record in records]

    def write(self, name: str, **params: Any) -> list[dict[str, Any]]:
        self.statements += 1
        with self._failures():
            records, _, _ = self.driver.execute_query(
                query(name), params, database_=self.database, routing_=RoutingControl.WRITE)
        return [self._python(record.data()) for record in records]

    def transaction(self, work: Callable[[Transaction], T]) -> T:
        """``work`` as one write transaction that may read what it then writes, replayed whole on a transient
        failure (a concurrent change on the embedded store, a deadlock on Neo4j): each replay reads again, so
        nothing it writes rests on a value another transaction changed meanwhile.

        The session shares ``execute_query``'s bookmarks: on a cluster, a ``read`` after it waits until the
        follower it is routed to has the write."""
        with self._failures(), self.driver.session(
                database=self.database, bookmark_manager=self.driver.execute_query_bookmark_manager) as session:
            return session.execute_write(lambda tx: work(Transaction(self, tx)))

    def _python(self, row: dict[str, Any]) -> dict[str, Any]:
        return to_python(row, self.capabilities.naive_datetimes_are_utc)  # type: ignore[no-any-return]

    def write_batches(self, name: str, rows: Iterable[dict[str, Any]], batch_size: int = 2000,
                      **params: Any) -> int:
        """``UNWIND $rows`` writes in batches: one transaction each, so a failure loses one batch at most."""
        written = 0
        for batch in _batched(rows, batch_size):
            self.write(name, rows=batch, **params)
            written += len(batch)
        return written

    def by_keys(self, name: str, keys: Iterable[str], *, write: bool = False, batch_size: int = 5000,
                **params: Any) -> list[dict[str, Any]]:
        """An ``UNWIND $keys`` query over any number of keys (deduplicated, sorted), in batches."""
        run = self.write if write else self.read
        ordered = sorted(set(keys))
        rows: list[dict[str, Any]] = []
        for start in range(0, len(ordered), batch_size):
            rows += run(name, keys=ordered[start:start + batch_size], **params)
        return rows

    def upsert(self, name: str, rows: list[dict[str, Any]], attempts: int = 5,
               then: Callable[[Transaction], object] | None = None, **params: Any) -> None:
        """An idempotent ``UNWIND $rows … MERGE`` write, retried when a concurrent writer created the same key;
        ``then`` runs after it in the same transaction (what the change feed hears of the write).

        The embedded store raises ``ConstraintError`` (which the driver does not retry) when two transactions
        MERGE the same new key at once; replaying a MERGE is safe, so c360 retries it.
        """
        for attempt in range(1, attempts + 1):
            try:
                if then is None:
                    self.write(name, rows=rows, **params)
                else:
                    self.transaction(lambda tx: (tx.write(name, rows=rows, **params), then(tx)))
                return
            except ConstraintError:
                if attempt == attempts:
                    raise
                time.sleep(0.05 * attempt * attempt)

    def apply_schema(self) -> None:
        with self._failures():
            for statement in statements("schema"):
                self.driver.execute_query(statement, database_=self.database, routing_=RoutingControl.WRITE)

    def components(self, rel_types: list[str]) -> list[dict[str, Any]]:
        with self._failures():
            return components(self.capabilities, self.driver, self.database, rel_types)


@contextlib.contextmanager
def open_graph(settings: Settings, schema: bool = True) -> Iterator[Graph]:
    """The configured store, ready to use: Neo4j when ``NEO4J_URI`` is set, else the embedded server."""
    if settings.embedded:
        server = EmbeddedServer(settings.home, settings.c360_bolt_port, settings.c360_heap)
        state = server.acquire()
        try:
            connection = Connection(state.uri, USER, DATABASE, str(server.password_file))
            with _connect(connection, server.password(), schema, EmbeddedAvailability(server, state.uri)) as graph:
                yield graph
        finally:
            server.release()
    else:
        assert settings.neo4j_uri is not None
        tighten(settings.home)  # it holds reject files and the matching cache whatever the store
        password = settings.neo4j_password.get_secret_value() if settings.neo4j_password else ""
        connection = Connection(settings.neo4j_uri, settings.neo4j_user, settings.neo4j_database,
                                "NEO4J_PASSWORD")
        with _connect(connection, password, schema, RemoteAvailability(settings.neo4j_uri, CONNECT_TIMEOUT_S)
                      ) as graph:
            yield graph


def driver_for(connection: Connection, password: str, availability: Availability) -> Driver:
    """The official driver for ``connection.uri``, which picks from the scheme: ``bolt://`` one server,
    ``neo4j://`` a routing driver (reads to followers), ``+s`` TLS with a verified certificate (Aura)."""
    return GraphDatabase.driver(connection.uri, auth=(connection.user, password), resolver=availability.addresses,
                                connection_timeout=CONNECT_TIMEOUT_S,
                                connection_acquisition_timeout=ACQUIRE_TIMEOUT_S)


@contextlib.contextmanager
def _connect(connection: Connection, password: str, schema: bool, availability: Availability) -> Iterator[Graph]:
    driver = driver_for(connection, password, availability)
    try:
        try:
            with _explained(availability):
                driver.verify_connectivity()
                graph = Graph(driver, connection.database, connection, availability)
                if schema:
                    graph.apply_schema()
        except AuthError as error:
            raise StoreUnavailableError(f"the store at {connection.uri} refused the credentials") from error
        except (DriverError, OSError) as error:
            reason = str(error).strip().splitlines()[-1] if str(error).strip() else type(error).__name__
            raise StoreUnavailableError(f"cannot reach the graph store at {connection.uri}: {reason}") from error
        except Neo4jError as error:
            raise StoreUnavailableError(f"the store at {connection.uri} failed: {error.message}") from error
        yield graph
    finally:
        driver.close()


@contextlib.contextmanager
def _explained(availability: Availability) -> Iterator[None]:
    """Driver errors that tell of the store's health, as the error a user can act on."""
    try:
        yield
    except (DriverError, Neo4jError) as error:
        explained = availability.explain(error)
        if explained is None:
            raise
        raise explained from error


def _batched(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
