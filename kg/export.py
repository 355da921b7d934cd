"""Deprecated: moved to :mod:`kg.exchange.export` (see CHANGELOG.md)."""

from kg.moved import forward

__getattr__ = forward(__name__, "kg.exchange.export")
