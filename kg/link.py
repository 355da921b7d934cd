"""Deprecated: moved to :mod:`kg.linking.link` (see CHANGELOG.md)."""

from kg.moved import forward

__getattr__ = forward(__name__, "kg.linking.link")
