"""Store connection, schema and transactions: the only package that knows which graph store runs."""

from graph.errors import C360Error, InputError, PortInUseError, StoreUnavailableError
from graph.settings import Settings
from graph.store import Store, open_store

__all__ = [
    "C360Error",
    "InputError",
    "PortInUseError",
    "Settings",
    "Store",
    "StoreUnavailableError",
    "open_store",
]
