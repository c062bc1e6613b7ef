"""The destinations file: the documented example is valid, mistakes are named, secrets are read from where the
file says and never from the file itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph import InputError
from sync.destinations import Destination, read_destinations

ROOT = Path(__file__).resolve().parents[2]


def test_the_documented_example_is_valid() -> None:
    found = read_destinations(ROOT / "docs" / "destinations.example.toml")
    assert [d.name for d in found.destinations] == ["crm", "newsletter", "warehouse"]
    crm = found.named("crm")
    assert crm.rename["email"] == "Email" and crm.retry.attempts == 8
    assert found.named("newsletter").gates.consent == "marketing"
    assert crm.secret({"C360_CRM_WEBHOOK_SECRET": "k"}) == b"k"


@pytest.mark.parametrize(("text", "message"), [
    ('[[destinations]]\nname = "crm"\nkind = "webhook"\nsecret_env = "K"\n', "destinations.0: a webhook needs a url"),
    ('[[destinations]]\nname = "crm"\nkind = "webhook"\nurl = "http://crm.example.com/h"\nsecret_env = "K"\n',
     "plain http sends customers' data in clear"),
    ('[[destinations]]\nname = "crm"\nkind = "webhook"\nurl = "https://crm.example.com/h"\n',
     "give secret_env or secret_file"),
    ('[[destinations]]\nname = "crm"\nkind = "jsonl"\ndirectory = "/tmp/x"\nkinds = ["golden"]\n',
     "destinations.0.kinds: unknown kind of change 'golden'"),
    ('[[destinations]]\nname = "crm"\nkind = "jsonl"\ndirectory = "/tmp/x"\nsecret = "hunter2"\n',
     "destinations.0.secret: Extra inputs are not permitted"),
    ('[[destinations]]\nname = "a"\nkind = "jsonl"\ndirectory = "/x"\n[[destinations]]\nname = "a"\nkind = "jsonl"\n'
     'directory = "/y"\n', "two destinations are named 'a'"),
    ("[[destinations]\n", "not valid TOML"),
])
def test_a_bad_file_is_named_with_the_entry_and_the_reason(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "destinations.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as error:
        read_destinations(path)
    assert str(error.value).startswith(f"{path}: ") and message in str(error.value)


def test_a_missing_secret_is_named_and_never_shown(tmp_path: Path) -> None:
    hook = Destination.model_validate({"name": "crm", "kind": "webhook", "url": "https://crm.example.com/h",
                                       "secret_env": "CRM_KEY"})
    with pytest.raises(InputError, match="the environment variable CRM_KEY is not set"):
        hook.secret({})
    key = tmp_path / "key"
    key.write_text("  the-key\n", encoding="utf-8")
    from_file = hook.model_copy(update={"secret_env": None, "secret_file": key})
    assert from_file.secret({}) == b"the-key"
    key.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="is empty"):
        from_file.secret({})


def test_the_documented_verification_accepts_what_c360_signs_and_nothing_else() -> None:
    """The receiver's snippet in docs/sync.md, run on a message as c360 sends it."""
    from datetime import UTC, datetime

    from graph.outbox import ChangeEvent
    from sync.messages import message, signature

    text = (ROOT / "docs" / "sync.md").read_text(encoding="utf-8")
    snippet = text.split("```python\n", 1)[1].split("```", 1)[0]
    scope: dict[str, object] = {}
    exec(snippet, scope)  # the documented code, as a receiver would paste it
    verify = scope["verify"]
    hook = Destination.model_validate({"name": "crm", "kind": "webhook", "url": "https://crm.example.com/h",
                                       "secret_env": "K", "rename": {"email": "Email"}})
    event = ChangeEvent(7, datetime(2026, 12, 2, 10, 15, tzinfo=UTC), "golden_changed", "C1", (),
                        {"changes": {"email": {"old": "a@x.com", "new": "b@x.com"}}, "created": False}, "service-desk")
    body = message(hook, event, "urn:c360").body()
    received = verify(body, signature(b"key", body), b"key")  # type: ignore[operator]
    assert received["id"] == "7" and received["data"]["changes"] == {"Email": {"old": "a@x.com", "new": "b@x.com"}}
    with pytest.raises(PermissionError):
        verify(body.replace(b"b@x.com", b"c@x.com"), signature(b"key", body), b"key")  # type: ignore[operator]
    with pytest.raises(PermissionError):
        verify(body, signature(b"other", body), b"key")  # type: ignore[operator]
