"""Deprecated: moved to :mod:`kg.core.iris` (see CHANGELOG.md)."""

from kg.moved import forward

__getattr__ = forward(__name__, "kg.core.iris")
