"""Deprecated: moved to :mod:`kg.pipeline.ingest` (see CHANGELOG.md)."""

from kg.moved import forward

__getattr__ = forward(__name__, "kg.pipeline.ingest")
