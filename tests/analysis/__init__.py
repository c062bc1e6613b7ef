"""Tests of what analysts ask of the graph."""
