"""Following the outbox for each destination: send what it wants in order, move its cursor, keep what it could
not take as dead letters, and replay them.

Delivery is at least once: the cursor moves after each batch is sent (a JSON Lines batch after it is on
disk), so a crash re-sends at most one batch, and receivers drop what they already have by the event's id
(``Idempotency-Key``). Order is kept per customer: events are sent one at a time in the outbox's order, and
once an event of a customer is a dead letter, that customer's later events wait behind it as dead letters
too ("held") until a replay sends them all, in order.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from graph import outbox
from graph.database import Graph
from graph.outbox import ChangeEvent
from sync import gates, state
from sync.destinations import Destination, Destinations
from sync.jsonl import JsonLines
from sync.messages import Message, message, skip_reason
from sync.webhook import Outcome, Webhook

#: events read from the outbox at a time; the cursor moves after each batch
BATCH = 500
HELD = "held behind an earlier dead letter of the same customer"


class Sink(Protocol):
    def send(self, message: Message, /) -> Outcome: ...

    def flush(self) -> None: ...


@dataclass
class Pass:
    """What one pass over a destination did."""

    destination: str
    cursor: int
    sent: int = 0
    dead: int = 0
    revived: int = 0
    failures: int = 0
    skipped: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True)
class Status:
    destination: str
    kind: str
    head: int
    cursor: int
    failures: int
    dead_letters: int
    last_error: str | None

    @property
    def lag(self) -> int:
        return self.head - self.cursor


def sink_for(destination: Destination, environ: Mapping[str, str],
             sleep: Callable[[float], None] = time.sleep) -> Webhook | JsonLines:
    if destination.kind == "webhook":
        return Webhook(destination, destination.secret(environ), sleep)
    return JsonLines(destination)


def deliver(graph: Graph, destinations: Destinations, environ: Mapping[str, str],
            sleep: Callable[[float], None] = time.sleep) -> list[Pass]:
    """One pass: every destination brought up to the outbox's head as it is now."""
    return [deliver_to(graph, d, destinations.source, sink_for(d, environ, sleep)) for d in destinations.destinations]


def deliver_to(graph: Graph, destination: Destination, source: str, sink: Sink, batch: int = BATCH) -> Pass:
    start = state.cursor(graph, destination.name).seq
    head = outbox.head(graph)
    held = {letter.customer_id for letter in state.dead_letters(graph, destination.name)}
    done = Pass(destination.name, start)
    while done.cursor < head:
        events = outbox.after(graph, done.cursor, limit=batch, until=head)
        if not events:  # numbers are gap-free up to the head: only a pruned outbox ends early
            break
        error, failures = None, done.failures
        sent: defaultdict[str, list[str]] = defaultdict(list)  # customer: kinds of what they were sent
        for event, reason in _screened(graph, destination, events):
            if reason is not None:
                done.skipped[reason] += 1
                continue
            involved = {event.customer_id, *event.previous_customer_ids}
            if involved & held:
                state.bury(graph, destination.name, event.seq, event.customer_id, HELD, 0)
                done.dead += 1
                held |= involved
                continue
            outcome = sink.send(message(destination, event, source))
            done.failures += outcome.attempts - outcome.delivered
            error = outcome.error or error
            if outcome.delivered:
                done.sent += 1
                sent[event.customer_id].append(event.kind)
            else:
                state.bury(graph, destination.name, event.seq, event.customer_id, outcome.error or "failed",
                           outcome.attempts)
                done.dead += 1
                held |= involved
        sink.flush()
        state.delivered(graph, destination.name, sent)
        done.cursor = events[-1].seq
        state.advance(graph, destination.name, done.cursor, done.failures - failures, error)
    return done


def replay(graph: Graph, destination: Destination, source: str, sink: Sink, start: int,
           batch: int = BATCH) -> Pass:
    """Send again every event from ``start`` up to the cursor that the destination wants, in order; dead
    letters delivered are removed. Receivers drop those they already have by id."""
    until = state.cursor(graph, destination.name).seq
    letters = {letter.seq for letter in state.dead_letters(graph, destination.name)}
    held: set[str] = set()
    done = Pass(destination.name, until)
    position = max(0, start - 1)
    while position < until:
        events = outbox.after(graph, position, limit=batch, until=until)
        if not events:
            break
        sent: defaultdict[str, list[str]] = defaultdict(list)
        for event, reason in _screened(graph, destination, events):
            if reason is not None:
                done.skipped[reason] += 1
                continue
            involved = {event.customer_id, *event.previous_customer_ids}
            if involved & held:  # an earlier one failed again: this one waits (or was delivered already)
                done.dead += event.seq in letters
                continue
            outcome = sink.send(message(destination, event, source))
            done.failures += outcome.attempts - outcome.delivered
            if outcome.delivered:
                done.sent += 1
                sent[event.customer_id].append(event.kind)
                if event.seq in letters:
                    state.revive(graph, destination.name, event.seq)
                    done.revived += 1
            elif event.seq in letters:  # still dead; the same customer's later letters wait behind it
                held |= involved
                state.bury(graph, destination.name, event.seq, event.customer_id, outcome.error or "failed",
                           outcome.attempts)
                done.dead += 1
        sink.flush()
        state.delivered(graph, destination.name, sent)
        position = events[-1].seq
    return done


def status(graph: Graph, destinations: Destinations) -> list[Status]:
    head = outbox.head(graph)
    found = []
    for destination in destinations.destinations:
        where = state.cursor(graph, destination.name)
        found.append(Status(destination.name, destination.kind, head, where.seq, where.failures,
                            len(state.dead_letters(graph, destination.name)), where.last_error))
    return found


def _screened(graph: Graph, destination: Destination,
              events: list[ChangeEvent]) -> list[tuple[ChangeEvent, str | None]]:
    """Each event with why it is not sent to ``destination`` (None: it is); gates and restrictions read once
    per batch."""
    reasons = {e.seq: skip_reason(destination, e) for e in events}
    later = gates.screened(graph, destination.gates, [e for e in events if reasons[e.seq] is None])
    return [(e, reasons[e.seq] or later.get(e.seq)) for e in events]
