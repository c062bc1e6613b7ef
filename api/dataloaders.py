"""Per-request DataLoaders: every field of every customer in one GraphQL response is fetched in batches.

A page of 50 customers each asking for transactions, tickets, consents and stores costs one store query per
kind of list, not one per customer (the N+1 problem). Loaders live for one request only, so a mutation is
seen by the next request at once.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

import anyio
from anyio import to_thread
from strawberry.dataloader import DataLoader

from customers.repository import CustomerData, CustomerRepository, EventData, Identities, PageRequest, RecordData

K = TypeVar("K")
T = TypeVar("T")

Rows = list[dict[str, Any]]


class SharedLoader(DataLoader[K, T]):
    """A DataLoader whose callers cannot cancel each other's answer.

    One future serves every field asking for the same key. graphql-core cancels the sibling fields of a
    field that fails (a role refused ``changes``, say), and cancelling a task that awaits a future cancels
    the future itself: every other field of the response sharing it then died with CancelledError. Each
    caller awaits a shield of the shared future instead, so only its own wait is cancelled.
    """

    def load(self, key: K) -> Awaitable[T]:
        return asyncio.shield(super().load(key))


def _threaded(function: Callable[[list[K]], Sequence[T]]) -> Callable[[list[K]], Awaitable[Sequence[T]]]:
    """The driver blocks: batches run on a worker thread so the event loop keeps serving."""

    async def load(keys: list[K]) -> Sequence[T]:
        return await to_thread.run_sync(function, keys)

    return load


class DataLoaders:
    """One request's batching loaders over the customer read model."""

    def __init__(self, repository: CustomerRepository) -> None:
        self.repository = repository
        self.customers: SharedLoader[str, CustomerData | None] = SharedLoader(_threaded(repository.customers))
        self.identities: SharedLoader[str, Identities] = SharedLoader(_threaded(repository.identities))
        self.pages: SharedLoader[tuple[str, PageRequest], Rows] = SharedLoader(self._pages)
        self.counts: SharedLoader[tuple[str, PageRequest], Rows] = SharedLoader(self._counts)
        self.consents: SharedLoader[str, Rows] = SharedLoader(self._per_customer(repository.consent_ledgers))
        self.stores: SharedLoader[str, Rows] = SharedLoader(self._per_customer(repository.stores))
        self.changes: SharedLoader[str, Rows] = SharedLoader(_threaded(repository.changes))
        self.restrictions: SharedLoader[str, Rows] = SharedLoader(_threaded(repository.restrictions))
        self.homes: SharedLoader[str, dict[str, Any] | None] = SharedLoader(_threaded(repository.homes))
        # what ``node(id:)`` and ``nodes(ids:)`` fetch: every id of one type in one query
        self.records: SharedLoader[str, RecordData | None] = SharedLoader(_threaded(repository.records))
        self.stores_by_key: SharedLoader[str, dict[str, Any] | None] = SharedLoader(
            _threaded(repository.stores_by_key))
        self.events: SharedLoader[tuple[str, str], EventData | None] = SharedLoader(self._events)

    async def _pages(self, keys: list[tuple[str, PageRequest]]) -> list[Rows]:
        return await self._by_kind(keys, self.repository.pages)

    async def _counts(self, keys: list[tuple[str, PageRequest]]) -> list[Rows]:
        return await self._by_kind(keys, self.repository.counts)

    async def _by_kind(self, keys: list[tuple[str, PageRequest]],
                       fetch: Callable[[str, list[tuple[PageRequest, Identities]]], list[Rows]]) -> list[Rows]:
        """One query per kind of list for all the customers asking for it."""
        identities = await self.identities.load_many([request.customer_id for _, request in keys])
        by_kind: dict[str, list[int]] = defaultdict(list)
        for index, (kind, _) in enumerate(keys):
            by_kind[kind].append(index)
        results: list[Rows] = [[] for _ in keys]

        async def fetch_kind(kind: str, indexes: list[int]) -> None:
            batch = [(keys[i][1], identities[i]) for i in indexes]
            for index, rows in zip(indexes, await to_thread.run_sync(fetch, kind, batch), strict=True):
                results[index] = rows

        async with anyio.create_task_group() as group:  # the kinds are independent: fetched at once
            for kind, indexes in by_kind.items():
                group.start_soon(fetch_kind, kind, indexes)
        return results

    async def _events(self, keys: list[tuple[str, str]]) -> list[EventData | None]:
        """Events by (kind, key): one query per kind."""
        found: dict[tuple[str, str], EventData | None] = {}
        for kind in {kind for kind, _ in keys}:
            wanted = [key for k, key in keys if k == kind]
            found.update(zip(((kind, key) for key in wanted),
                             await to_thread.run_sync(self.repository.events, kind, wanted), strict=True))
        return [found[key] for key in keys]

    def _per_customer(self, read: Callable[[list[Identities]], list[Rows]]
                      ) -> Callable[[list[str]], Awaitable[list[Rows]]]:
        async def load(customer_ids: list[str]) -> list[Rows]:
            identities = await self.identities.load_many(customer_ids)
            return await to_thread.run_sync(read, list(identities))

        return load
