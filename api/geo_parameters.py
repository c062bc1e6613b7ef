"""The query parameters of the GeoJSON and CSV routes: one vocabulary, the GraphQL arguments' names.

A route says which parameters it takes; anything else is refused (``400`` naming it) rather than ignored, so a
misspelt or outdated name cannot silently give the default answer (``far.geojson?min_km=100`` answering for
50 km). Names that routes used to take, or that are the domain's spelling of one (``radius``, ``min_km``),
are refused with the name to use. A parameter given twice is refused too: which one counts would be a guess.
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.datastructures import QueryParams

from graph.errors import InputError

VENUE, RADIUS_KM, STORE_KEY, MIN_KM = "venue", "radiusKm", "storeKey", "minKm"
SEGMENT, LIMIT, PURPOSE = "segment", "limit", "purpose"
#: outdated or domain spellings → the name to use
RENAMED = {"radius": RADIUS_KM, "radius_km": RADIUS_KM, "radiuskm": RADIUS_KM, "store": STORE_KEY,
           "store_key": STORE_KEY, "storekey": STORE_KEY, "km": MIN_KM, "min_km": MIN_KM, "minkm": MIN_KM}


def check(parameters: QueryParams, accepted: Iterable[str]) -> None:
    """An ``InputError`` naming the first parameter the route does not take, or one given twice."""
    known = tuple(accepted)
    for name in dict.fromkeys(parameters.keys()):
        if name not in known:
            use = RENAMED.get(name.lower()) or RENAMED.get(name)
            if use in known:
                raise InputError(f"unknown parameter; use {use!r}", name)
            takes = f"this route takes {', '.join(known)}" if known else "this route takes no parameters"
            raise InputError(f"unknown parameter; {takes}", name)
        if len(parameters.getlist(name)) > 1:
            raise InputError("given more than once", name)
