"""The words of consent: which channels a consent can cover, and purposes named together with a channel.

A consent is given for a purpose (marketing, profiling …) and, for contact purposes, through one channel:
a person may welcome offers by email and refuse them by SMS. Sources spell both in many ways, often in one
word (``marketing_email``, ``Newsletter SMS``), so the loaders, the service desk and the invitation lists
share one reading of them.
"""

from __future__ import annotations

from loaders import normalise

#: the channels a consent can be limited to; a consent naming none covers every channel of its purpose
CONTACT_CHANNELS = ("email", "sms", "post", "phone")
_ALIASES = {"e_mail": "email", "mail": "email", "newsletter": "email", "text": "sms", "text_message": "sms",
            "postal": "post", "letter": "post", "telephone": "phone", "call": "phone", "calls": "phone"}
_NAMES = sorted((*CONTACT_CHANNELS, *_ALIASES), key=len, reverse=True)


def contact_channel(value: object) -> str:
    """One of :data:`CONTACT_CHANNELS`, whatever the source calls it; anything else is refused."""
    word = normalise.keyword(value)
    channel = _ALIASES.get(word, word)
    if channel not in CONTACT_CHANNELS:
        raise ValueError(f"expected a contact channel: {', '.join(CONTACT_CHANNELS)}")
    return channel


def purpose_and_channel(text: str) -> tuple[str, str | None]:
    """``marketing_email`` → (``marketing``, ``email``); a purpose naming no channel is returned whole."""
    word = normalise.keyword(text)
    for name in _NAMES:  # longest first: ``e_mail`` before ``mail``
        purpose = word.removesuffix(f"_{name}")
        if purpose != word:
            return purpose, _ALIASES.get(name, name)
    return word, None


def consent_name(purpose: str, channel: str | None) -> str:
    """How people read a consent back: ``marketing by email``, or the purpose alone."""
    return f"{purpose} by {channel}" if channel else purpose
