"""Deprecated: moved to :mod:`kg.graph.build` (see CHANGELOG.md)."""

from kg.moved import forward

__getattr__ = forward(__name__, "kg.graph.build")
