"""A small typed error hierarchy: the CLI and the API branch on the class, never on message text."""

from collections.abc import Callable


class C360Error(Exception):
    """An error the user can act on; its message is one clear line."""


class InputError(C360Error):
    """Bad input: a file, a mapping, a command-line value, an API argument.

    ``field`` names the input at fault in the domain's words (``radius_km``, ``customer_id``), so that each
    adapter can say it in its own (``radiusKm`` in GraphQL, ``--radius`` on the command line): ``named``.
    """

    def __init__(self, reason: str, field: str | None = None) -> None:
        super().__init__(f"{field}: {reason}" if field else reason)
        self.reason = reason
        self.field = field

    def named(self, name: Callable[[str], str]) -> str:
        """The message with the field as an adapter spells it."""
        return f"{name(self.field)}: {self.reason}" if self.field else self.reason


class StoreUnavailableError(C360Error):
    """The graph store cannot be reached or started."""


class PortInUseError(C360Error):
    """A port c360 was asked to listen on is already taken."""
