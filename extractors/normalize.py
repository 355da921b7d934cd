"""Deprecated: moved to :mod:`kg.core.text` (see CHANGELOG.md)."""

from kg.moved import forward

__getattr__ = forward(__name__, "kg.core.text")
