"""Web events → ``WebSession`` per cookie visit, plus the cookie's devices and the logins seen on it.

The graph need not hold every click: a session keeps its span, page views and pages, and what the 360 and
identity resolution need — which device a cookie lives on and which email or customer number logged in
through it — is kept as links between identifiers. Sessions are cut after 30 minutes of inactivity, the
web-analytics convention. Web logs are time-ordered, so sessions idle for longer than that are closed while
streaming and memory stays bounded however long the file.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from loaders.kinds import SourceKind
from loaders.mapping import SourceMapping
from loaders.records import SourceModel, WebEventRecord
from loaders.validation import Accepted

SESSION_GAP = timedelta(minutes=30)
MAX_PAGES = 50
FLUSH_EVERY = 5_000


@dataclass
class Login:
    first_seen: datetime
    last_seen: datetime
    events: int = 0


@dataclass
class Session:
    cookie: str
    started_at: datetime
    ended_at: datetime
    first_line: int
    page_views: int = 0
    pages: list[str] = field(default_factory=list)
    devices: set[str] = field(default_factory=set)
    user_agent: str | None = None
    logins: dict[tuple[str, str], Login] = field(default_factory=dict)

    def add(self, event: WebEventRecord) -> None:
        self.started_at = min(self.started_at, event.at)
        self.ended_at = max(self.ended_at, event.at)
        self.page_views += 1
        if event.page and event.page not in self.pages and len(self.pages) < MAX_PAGES:
            self.pages.append(event.page)
        if event.device:
            self.devices.add(event.device)
        self.user_agent = self.user_agent or event.user_agent
        for kind, value in (("email", event.email), ("customer_number", event.customer_number)):
            if value:
                login = self.logins.setdefault((kind, value), Login(event.at, event.at))
                login.first_seen, login.last_seen = min(login.first_seen, event.at), max(login.last_seen, event.at)
                login.events += 1

    def belongs(self, event: WebEventRecord) -> bool:
        return self.started_at - SESSION_GAP <= event.at <= self.ended_at + SESSION_GAP


def sessions(accepted: Iterator[Accepted]) -> Iterator[Session]:
    """Sessions in the order they close; the same file always gives the same sessions."""
    open_sessions: dict[str, Session] = {}
    latest: datetime | None = None
    for count, item in enumerate(accepted, start=1):
        event = item.record
        assert isinstance(event, WebEventRecord)
        current = open_sessions.get(event.cookie)
        if current is not None and not current.belongs(event):
            yield open_sessions.pop(event.cookie)
            current = None
        if current is None:
            current = open_sessions[event.cookie] = Session(event.cookie, event.at, event.at, item.line)
        current.add(event)
        latest = event.at if latest is None else max(latest, event.at)
        if count % FLUSH_EVERY == 0:
            idle = [c for c, s in open_sessions.items() if s.ended_at < latest - SESSION_GAP]
            yield from (open_sessions.pop(c) for c in idle)
    yield from sorted(open_sessions.values(), key=lambda s: (s.started_at, s.cookie))


def transform(session: Session, mapping: SourceMapping) -> dict[str, Any]:
    source = mapping.source.name
    key = f"{source}:{session.cookie}:{session.started_at.isoformat()}"
    props: dict[str, Any] = {
        "key": key, "source": source, "started_at": session.started_at, "ended_at": session.ended_at,
        "page_views": session.page_views, "pages": session.pages, "line": session.first_line}
    if session.user_agent:
        props["user_agent"] = session.user_agent
    content = {k: v for k, v in props.items() if k != "line"} | {
        "cookie": session.cookie, "devices": sorted(session.devices), "logins": sorted(session.logins)}
    digest = hashlib.blake2b(json.dumps(content, sort_keys=True, default=str).encode(), digest_size=12).hexdigest()
    logins = [{"key": f"{kind}:{value}", "type": kind, "value": value, "first_seen": login.first_seen,
               "last_seen": login.last_seen, "events": login.events}
              for (kind, value), login in sorted(session.logins.items())]
    return {"key": key, "hash": digest, "props": props | {"hash": digest},
            "cookie": {"key": f"cookie:{session.cookie}", "value": session.cookie},
            "devices": [{"key": f"device:{d}", "value": d} for d in sorted(session.devices)], "logins": logins}


def rows(accepted: Iterator[Accepted], mapping: SourceMapping) -> Iterator[dict[str, Any]]:
    return (transform(session, mapping) for session in sessions(accepted))


def event_time(record: SourceModel) -> datetime:
    assert isinstance(record, WebEventRecord)
    return record.at


KIND = SourceKind("web_events", WebEventRecord, rows, query="load_web_sessions", event_time=event_time)
