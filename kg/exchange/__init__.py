"""Graphs in and out of a store as files.

``formats`` (the format table and :class:`~kg.exchange.formats.ExportError`), ``export``,
``importer``, ``tabular`` (ACLED-style CSV and GeoJSON) and ``selection`` (which graphs
and events a filter picks).
"""
