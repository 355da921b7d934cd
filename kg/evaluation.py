"""Deprecated: moved to :mod:`kg.pipeline.evaluation` (see CHANGELOG.md)."""

from kg.moved import forward

__getattr__ = forward(__name__, "kg.pipeline.evaluation")
