"""The graph database: settings, the embedded server, one access path, and the only package that knows which
store runs."""

from graph.database import Graph, open_graph
from graph.errors import C360Error, InputError, PortInUseError, StoreUnavailableError
from graph.settings import Settings

__all__ = [
    "C360Error",
    "Graph",
    "InputError",
    "PortInUseError",
    "Settings",
    "StoreUnavailableError",
    "open_graph",
]
