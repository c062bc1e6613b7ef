"""A small typed error hierarchy: the CLI and the API branch on the class, never on message text."""


class C360Error(Exception):
    """An error the user can act on; its message is one clear line."""


class InputError(C360Error):
    """Bad input: a file, a mapping, a command-line value."""


class StoreUnavailableError(C360Error):
    """The graph store cannot be reached or started."""


class PortInUseError(C360Error):
    """A port c360 was asked to listen on is already taken."""
