"""``POST /ingest/<source>``: a source sends its rows as JSON, validated and written as a file's rows are.

The body is ``{"rows": [{...}, ...]}``: each row named by the source's own columns (its mapping, the one its
files are loaded with: ``loaders.sources``) or by c360's canonical fields. The rows go through the loaders'
own path (``loaders.batch.load_rows``): the same models, the same rejects, the same load queries, keyed by
source id and skipped when their content hash is unchanged. The answer says what was accepted, what was
already there, what was refused (row index, field, reason; never a value), and the sequence number of the
micro-batch that resolves the records it changed (``pipeline.micro_batches``), without waiting for it:
``GET /ingest/status`` says when it is done.

Only a ``source`` token bound to this source, or an admin's, may send rows (``api.access.Operation.INGEST``).
"""

from __future__ import annotations

import logging
from typing import Any

from anyio import to_thread
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from api.access import Operation, allowed, refusal
from api.auth import SOURCE_NAME, Principal, Role, forbidden
from api.request_text import NotText, request_json
from graph.errors import InputError
from loaders.batch import BatchSummary, load_rows
from loaders.rejects import Refusal
from loaders.sources import mapping_of, registered
from pipeline.micro_batches import MicroBatches

log = logging.getLogger("c360.ingest")
#: a reason is shown to the sender and may be logged: cut, and with control characters escaped
MAX_REASON_CHARS = 300


async def ingest(request: Request) -> Response:
    refused = _refused(request, request.path_params["source"])
    if refused is not None:
        return refused
    source = request.path_params["source"]
    state = request.app.state
    try:
        mapping = await to_thread.run_sync(mapping_of, state.settings.home, source)
    except InputError:
        log.exception("the mapping of a source cannot be read")
        return _error(500, "mapping_unreadable", "the source's mapping cannot be read; see the server log")
    if mapping is None:
        known = await to_thread.run_sync(registered, state.settings.home)
        return _error(404, "unknown_source", f"no source {source!r} is registered (registered: "
                                             f"{', '.join(known) or 'none'}); load one of its files first")
    try:
        body = request_json(await request.body())
    except NotText as error:
        return _error(400, "bad_request", str(error))
    if not isinstance(body, dict) or not isinstance(body.get("rows"), list) or set(body) != {"rows"}:
        return _error(400, "bad_request", 'the body is {"rows": [{...}, ...]}: one JSON object per row')
    summary: BatchSummary = await to_thread.run_sync(load_rows, state.graph, body["rows"], mapping,
                                                     state.settings.home, f"POST /ingest/{source}")
    batches: MicroBatches = state.micro_batches
    customers = summary.kind == "customers"
    sequence = batches.submit(summary.changed_keys if customers else [], other=bool(summary.written) and not customers)
    queued = bool(summary.written)
    log.info("ingest %s: run %s, %d received, %d written, %d unchanged, %d rejected, resolution %s", source,
             summary.run_id, summary.received, summary.written, summary.unchanged, summary.rejected,
             f"queued as {sequence}" if queued else "not needed")
    return JSONResponse({
        "source": source, "run_id": summary.run_id, "received": summary.received, "accepted": summary.accepted,
        "written": summary.written, "unchanged": summary.unchanged, "rejected": summary.rejected,
        "erased": summary.erased, "values_dropped": summary.values_dropped,
        "rejects": [_refusal(r) for r in summary.refusals],
        "resolution": {"state": "queued" if queued else "not_needed", "sequence": sequence,
                       "status": "/ingest/status"}})


async def status(request: Request) -> Response:
    """Where the micro-batches of this server process stand: a post's ``sequence`` is resolved once
    ``resolved`` reaches it."""
    refused = _refused(request, None)
    if refused is not None:
        return refused
    now = request.app.state.micro_batches.status()
    return JSONResponse({"submitted": now.submitted, "resolved": now.resolved, "waiting": now.waiting,
                         "runs": now.runs, "failures": now.failures, "last_run_id": now.last_run_id,
                         "last_seconds": now.last_seconds})


def _refused(request: Request, source: str | None) -> Response | None:
    """403 unless the caller may ingest, and, for a source token, only for its own source."""
    user = request.user
    assert isinstance(user, Principal)  # RequireToken let the request through
    if not allowed(user.role, Operation.INGEST):
        return forbidden(refusal(user.role, Operation.INGEST))
    if source is not None and user.role is Role.SOURCE and user.source != source:
        shown = repr(source) if SOURCE_NAME.match(source) else "another source"
        return forbidden(f"this token sends rows for source {user.source!r} only, not {shown}")
    return None


def _refusal(refusal: Refusal) -> dict[str, Any]:
    return {"row": refusal.line, "field": refusal.field, "reason": escaped(refusal.reason),
            "action": refusal.action}


def escaped(text: str) -> str:
    """``text`` safe to show and log: control and invisible characters (a forged log line's newline, a
    terminal escape, a lone surrogate) written as escapes, cut after ``MAX_REASON_CHARS``."""
    shown = "".join(c if c.isprintable() else c.encode("unicode_escape", "backslashreplace").decode("ascii")
                    for c in text[:MAX_REASON_CHARS])
    return shown + ("…" if len(text) > MAX_REASON_CHARS else "")


def _error(status_code: int, error: str, message: str) -> Response:
    return JSONResponse({"error": error, "message": message}, status_code=status_code)


ROUTES = [Route("/status", status, methods=["GET"]), Route("/{source}", ingest, methods=["POST"])]
