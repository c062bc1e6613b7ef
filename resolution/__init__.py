"""Identity resolution: which source records are the same person, computed in the database."""

from resolution.resolve import ResolutionSummary, resolve

__all__ = ["ResolutionSummary", "resolve"]
