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
