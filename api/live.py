"""Customers' changes as they happen, for the live view (``customerChanged``): one poll of the outbox per
process, fanned out to the subscribers of each customer.

Each subscriber could poll the outbox itself, but a hundred screens open would be a hundred queries every
250 ms; one task (``Feed.run``) reads each new event once and hands it to the subscribers of its customer.
It polls only while someone listens: the first subscriber of an idle feed starts it at the outbox's head,
so nobody is sent changes older than their subscription.

A customer's id changes when a merge folds it into another: a ``merged`` event naming a subscribed id among
its ``previous_customer_ids``, when that id no longer exists, moves its subscribers to the merged customer.
The feed does it as it hands out the event, before any later one, so no change of the new id is missed. An
``erased`` event is the last its subscribers get. A subscriber that lets ``MAX_PENDING`` changes pile up is
dropped (``FellBehind``) rather than held in memory without end.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime

import anyio
from anyio import to_thread

from customers.repository import CustomerRepository
from graph import outbox
from graph.database import Graph
from graph.outbox import ChangeEvent

log = logging.getLogger("c360.api")

#: how often the outbox is read while someone listens: a change shows within this much, plus the read
POLL_EVERY_S = 0.25
#: events read per poll; a fuller batch is followed by another at once
BATCH = 500
#: after a failed poll (store unavailable), the next one waits this long
RETRY_AFTER_S = 2.0
#: changes one subscriber may leave unread before it is dropped
MAX_PENDING = 1000


class FellBehind(Exception):
    """The subscriber read its changes too slowly and was dropped: it subscribes again."""


@dataclass(frozen=True)
class Change:
    """A change as a subscriber sees it: ``customer_id`` is the id it follows after the change, and
    ``followed_from`` the id it followed before, when the change (a merge) gave the customer a new one."""

    seq: int
    at: datetime | None
    kind: str
    customer_id: str
    followed_from: str | None = None


class Subscriber:
    """One subscription: the changes of one customer, in the order the outbox numbers them."""

    def __init__(self, customer_id: str, position: int) -> None:
        self.customer_id = customer_id
        #: the last event handed out when the subscription started: later ones are sent
        self.position = position
        self.behind = False
        self._send, self._receive = anyio.create_memory_object_stream[Change](MAX_PENDING)

    def push(self, change: Change) -> None:
        """Hands a change over without waiting: the feed serves every subscriber from one task."""
        try:
            self._send.send_nowait(change)
        except anyio.WouldBlock:
            self.behind = True
            self.end()
        except (anyio.ClosedResourceError, anyio.BrokenResourceError):
            pass

    def end(self) -> None:
        self._send.close()

    def __aiter__(self) -> AsyncIterator[Change]:
        return self._changes()

    async def _changes(self) -> AsyncIterator[Change]:
        async for change in self._receive:
            yield change
        if self.behind:
            raise FellBehind(f"more than {MAX_PENDING} changes were left unread: subscribe again")


class Feed:
    """The outbox read by one task, its events handed to the subscribers of each customer."""

    def __init__(self, graph: Graph, every_s: float = POLL_EVERY_S, batch: int = BATCH) -> None:
        self.graph = graph
        self.every_s = every_s
        self.batch = batch
        self.repository = CustomerRepository(graph)
        self._subscribers: dict[str, set[Subscriber]] = {}
        #: the last event handed out
        self.position = 0

    @asynccontextmanager
    async def subscribe(self, customer_id: str) -> AsyncIterator[Subscriber]:
        """A subscriber to ``customer_id``'s changes, for the block; an idle feed starts at the head."""
        if not self._subscribers:
            head = await to_thread.run_sync(outbox.head, self.graph)
            if not self._subscribers:  # nobody came meanwhile: the feed is not moving
                self.position = max(self.position, head)
        subscriber = Subscriber(customer_id, self.position)
        self._add(subscriber)
        try:
            yield subscriber
        finally:
            self._remove(subscriber)
            subscriber.end()

    def subscribers(self) -> int:
        return sum(len(group) for group in self._subscribers.values())

    async def run(self) -> None:
        """Polls while someone listens, until cancelled; a failed poll is logged and tried again."""
        while True:
            if self._subscribers:
                try:
                    if not await self.poll():
                        continue  # a full batch: more are waiting
                except Exception as error:  # the feed outlives a store outage; subscribers just wait
                    log.warning("live feed: the outbox could not be read: %s", error)
                    await anyio.sleep(RETRY_AFTER_S)
                    continue
            await anyio.sleep(self.every_s)

    async def poll(self) -> bool:
        """Hands out the events after ``position``; whether the feed caught up with the outbox."""
        events = await to_thread.run_sync(outbox.after, self.graph, self.position, self.batch)
        gone = await self._gone(events)
        for event in events:
            if event.seq > self.position:  # an idle feed may have jumped ahead while this poll ran
                self._hand_out(event, gone)
                self.position = event.seq
        return len(events) < self.batch

    async def _gone(self, events: Iterable[ChangeEvent]) -> set[str]:
        """The subscribed ids that merges name as previous ids and that no longer exist (followed) — a
        customer that only lost some records to another keeps its id."""
        named = sorted({previous for event in events if event.kind == "merged"
                        for previous in event.previous_customer_ids
                        if previous != event.customer_id and previous in self._subscribers})
        if not named:
            return set()
        found = await to_thread.run_sync(self.repository.customers, named)
        return {customer_id for customer_id, data in zip(named, found, strict=True) if data is None}

    def _hand_out(self, event: ChangeEvent, gone: set[str]) -> None:
        followed: dict[Subscriber, str] = {}
        if event.kind == "merged":
            for previous in event.previous_customer_ids:
                if previous in gone and previous != event.customer_id:
                    for subscriber in self._subscribers.pop(previous, set()):
                        followed[subscriber] = previous
                        subscriber.customer_id = event.customer_id
                        self._add(subscriber)
        for subscriber in list(self._subscribers.get(event.customer_id, ())):
            subscriber.push(Change(event.seq, event.at, event.kind, event.customer_id, followed.get(subscriber)))
            if event.kind == "erased":
                subscriber.end()
            if subscriber.behind or event.kind == "erased":
                self._remove(subscriber)

    def _add(self, subscriber: Subscriber) -> None:
        self._subscribers.setdefault(subscriber.customer_id, set()).add(subscriber)

    def _remove(self, subscriber: Subscriber) -> None:
        group = self._subscribers.get(subscriber.customer_id)
        if group is not None:
            group.discard(subscriber)
            if not group:
                del self._subscribers[subscriber.customer_id]


@asynccontextmanager
async def following(graph: Graph) -> AsyncIterator[Feed]:
    """The process's feed, polling in the background for as long as the block runs (the server's life)."""
    feed = Feed(graph)
    async with anyio.create_task_group() as tasks:
        tasks.start_soon(feed.run)
        yield feed
        tasks.cancel_scope.cancel()
