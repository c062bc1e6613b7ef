"""Keyed hashes of personal values, with keys kept in the store itself.

A plain hash of a record key or an identifier (``loyalty:L123``, ``email:ann@x.com``) can be checked against a
guessed value by anyone; an HMAC cannot without the key. Each use has its own named key (profile ids,
erasure tombstones), made on first use and kept in the store beside what it protects: a copy of the store is
self-contained, and nothing outside it (a config file, an environment variable) can be lost or leaked apart.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from graph.database import Queries


def keyed_hash(key: bytes, text: str) -> str:
    """HMAC-SHA256 of ``text`` under ``key``, as 64 hex digits."""
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def store_key(graph: Queries, name: str) -> bytes:
    """The store's key called ``name``, made on first use (a MERGE: two first users get the same key)."""
    value: str = graph.write("hash_key", key_name=name, fresh=secrets.token_hex(32))[0]["value"]
    return value.encode()


def existing_key(graph: Queries, name: str) -> bytes | None:
    """The store's key called ``name`` if it was ever made: readers never make one (a load of a store where
    nothing was erased leaves the store as it would be without this check)."""
    found = graph.read("hash_key_read", key_name=name)
    return str(found[0]["value"]).encode() if found else None
