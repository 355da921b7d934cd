"""Deprecated: moved to :mod:`kg.core.model` (see CHANGELOG.md)."""

from kg.moved import forward

__getattr__ = forward(__name__, "kg.core.model")
