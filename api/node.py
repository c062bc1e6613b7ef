"""Global object identification (Relay): every object a client may fetch again has an opaque ``id``, and
``node(id:)`` fetches it (``api.nodes``).

A global id names the object's type and its key in the store, and some keys are personal data: a source
record's key holds its source id (a loyalty desk's is a card number), a web session's its cookie. A role that
sees those masked must not read them out of an id, as it must not out of a cursor. So an id is sealed, not
encoded: the type and key encrypted with a key derived from the server's secret — deterministically, so an
object keeps one id (clients cache by it), and authenticated, so an id the server did not issue opens to
nothing. The standard library has no cipher: the seal is SIV built from HMAC-SHA256 alone (a synthetic IV,
the MAC of the text, seeds an HMAC counter-mode keystream), which is sound for as long as HMAC is a PRF.
The text is padded to whole blocks, so an id's length does not tell a key's length either.

A customer's id is its profile id, as it always was: already opaque, global, and what ``customer(id:)``
takes; ``node`` takes it too.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from typing import Any

import strawberry

from api.context import Info

_TAG = 16  # bytes of the synthetic IV: 128 bits, as AES-SIV's
_BLOCK = 16


def _keys(secret: str) -> tuple[bytes, bytes]:
    root = secret.encode()
    return (hmac.new(root, b"c360 global id: mac", hashlib.sha256).digest(),
            hmac.new(root, b"c360 global id: stream", hashlib.sha256).digest())


def _stream(key: bytes, iv: bytes, length: int) -> bytes:
    blocks = (hmac.new(key, iv + n.to_bytes(4, "big"), hashlib.sha256).digest() for n in range(-(-length // 32)))
    return b"".join(blocks)[:length]


def _xor(data: bytes, stream: bytes) -> bytes:
    return bytes(a ^ b for a, b in zip(data, stream, strict=True))


def seal(secret: str, type_name: str, key: str) -> str:
    """The global id of the object of type ``type_name`` with store key ``key``."""
    text = json.dumps([type_name, key]).encode()
    text += b" " * (-len(text) % _BLOCK)  # JSON ignores the trailing spaces
    mac, stream = _keys(secret)
    iv = hmac.new(mac, text, hashlib.sha256).digest()[:_TAG]
    return base64.urlsafe_b64encode(iv + _xor(text, _stream(stream, iv, len(text)))).decode().rstrip("=")


def unseal(secret: str, global_id: str) -> tuple[str, str] | None:
    """The (type, key) a global id was sealed from; None for anything the server did not issue."""
    try:
        raw = base64.urlsafe_b64decode(global_id + "=" * (-len(global_id) % 4))
    except (ValueError, binascii.Error):
        return None
    if len(raw) <= _TAG or (len(raw) - _TAG) % _BLOCK:
        return None
    mac, stream = _keys(secret)
    iv, body = raw[:_TAG], raw[_TAG:]
    text = _xor(body, _stream(stream, iv, len(body)))
    if not hmac.compare_digest(iv, hmac.new(mac, text, hashlib.sha256).digest()[:_TAG]):
        return None
    parts: Any = json.loads(text)
    return (parts[0], parts[1]) if isinstance(parts, list) and len(parts) == 2 else None


@strawberry.interface(description="An object with a global id: `node(id:)` fetches it again, as the caller "
                                  "may see it.")
class Node:
    #: the object's key in the store, unmasked: what its global id seals
    handle: strawberry.Private[str]

    @strawberry.field(description="Opaque and global: give it to `node(id:)` to fetch this object again.")
    def id(self, info: Info) -> strawberry.ID:
        return strawberry.ID(seal(info.context.signing_key, self.__strawberry_definition__.name,  # type: ignore[attr-defined]
                                  self.handle))
