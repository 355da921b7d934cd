"""Deprecated: moved to :mod:`kg.graph.store` (see CHANGELOG.md)."""

from kg.moved import forward

__getattr__ = forward(__name__, "kg.graph.store")
