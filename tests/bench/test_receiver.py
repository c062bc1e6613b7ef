"""The loopback receiver the sync benchmarks and tests share: what c360 signs reaches the callback, nothing else."""

from __future__ import annotations

import urllib.error
import urllib.request
from datetime import UTC, datetime

import pytest

from bench.receiver import Arrival, receiving
from graph.outbox import ChangeEvent
from sync.destinations import Destination
from sync.messages import SIGNATURE_HEADER, message, signature
from sync.webhook import Webhook

EVENT = ChangeEvent(5, datetime(2026, 12, 2, tzinfo=UTC), "erased", "C1", (), {}, None)


def _hook(url: str) -> Destination:
    return Destination.model_validate({"name": "crm", "kind": "webhook", "url": url, "secret_env": "K",
                                       "retry": {"attempts": 1}})


def test_a_signed_event_reaches_the_callback_which_answers_it_and_a_forged_one_is_refused() -> None:
    arrived: list[Arrival] = []
    refused: list[Arrival] = []

    def taken(arrival: Arrival) -> int:
        arrived.append(arrival)
        return 204

    with receiving(b"key", taken, on_refused=refused.append) as url:
        sent = Webhook(_hook(url), b"key").send(message(_hook(url), EVENT, "urn:c360"))
        wrong_key = Webhook(_hook(url), b"other").send(message(_hook(url), EVENT, "urn:c360"))
        body = message(_hook(url), EVENT, "urn:c360").body()
        tampered = urllib.request.Request(url, data=body.replace(b"C1", b"C2"), method="POST",
                                          headers={SIGNATURE_HEADER: signature(b"key", body)})
        with pytest.raises(urllib.error.HTTPError) as forged:
            urllib.request.urlopen(tampered, timeout=5)
    assert sent.delivered and not wrong_key.delivered and wrong_key.error == "HTTP 401 (not retried)"
    assert forged.value.code == 401
    assert [a.event["id"] for a in arrived] == ["5"] and arrived[0].headers["idempotency-key"] == "5"
    assert len(refused) == 2


def test_the_callbacks_answer_is_the_status_and_a_restart_gets_the_same_port() -> None:
    with receiving(b"key", lambda a: 503) as url:
        failed = Webhook(_hook(url), b"key").send(message(_hook(url), EVENT, "urn:c360"))
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    with receiving(b"key", lambda a: 204, port=port) as again:
        delivered = Webhook(_hook(again), b"key").send(message(_hook(again), EVENT, "urn:c360"))
    assert failed.error == "HTTP 503" and not failed.delivered
    assert again == url and delivered.delivered
