"""Deprecated: moved to :mod:`kg.core.settings` (see CHANGELOG.md)."""

from kg.moved import forward

__getattr__ = forward(__name__, "kg.core.settings")
