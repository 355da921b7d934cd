"""The export and import formats: one table, looked up by name or file extension.

Both :mod:`kg.exchange.export` and :mod:`kg.exchange.importer` read it, so neither
depends on the other for it.

>>> format_for(None, "events.csv.gz").name
'acled'
>>> format_for("TTL", None).media_type
'text/turtle'
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import RdfFormat


class ExportError(ValueError):
    """An export cannot be done: unknown format, unwritable path, nothing selected."""


@dataclass(frozen=True, slots=True)
class ExportFormat:
    """One output format and how it is written."""

    name: str
    #: file extension (with the dot) used for dataset packages and format guessing
    extension: str
    media_type: str
    #: ``dataset`` (keeps graph names), ``graph`` (union of graphs), ``jsonld`` or ``table``
    kind: str
    rdf_format: RdfFormat | None = None


FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat("nq", ".nq", "application/n-quads", "dataset", RdfFormat.N_QUADS),
        ExportFormat("trig", ".trig", "application/trig", "dataset", RdfFormat.TRIG),
        ExportFormat("nt", ".nt", "application/n-triples", "graph", RdfFormat.N_TRIPLES),
        ExportFormat("ttl", ".ttl", "text/turtle", "graph", RdfFormat.TURTLE),
        ExportFormat("rdfxml", ".rdf", "application/rdf+xml", "graph", RdfFormat.RDF_XML),
        ExportFormat("jsonld", ".jsonld", "application/ld+json", "jsonld", RdfFormat.JSON_LD),
        ExportFormat("acled", ".csv", "text/csv", "table"),
        ExportFormat("geojson", ".geojson", "application/geo+json", "table"),
    )
}

#: Other file extensions accepted when guessing a format from a file name.
EXTENSION_ALIASES: dict[str, str] = {
    ".nquads": "nq", ".ntriples": "nt", ".turtle": "ttl", ".owl": "rdfxml",
    ".xml": "rdfxml", ".rdfxml": "rdfxml", ".json": "jsonld", ".jsonl": "jsonld",
}
_BY_EXTENSION = {f.extension: f.name for f in FORMATS.values()} | EXTENSION_ALIASES


def format_for(name: str | None, path: str | Path | None) -> ExportFormat:
    """The format called ``name``, or the one the file name's extension implies.

    Raises:
        ExportError: the name is unknown, or no name is given and the extension says nothing.
    """
    if name:
        try:
            return FORMATS[name.lower()]
        except KeyError:
            raise ExportError(
                f"unknown export format {name!r}; use one of: {', '.join(FORMATS)}") from None
    if path is not None:
        suffixes = [s.lower() for s in Path(path).suffixes]
        if suffixes and suffixes[-1] == ".gz":
            suffixes.pop()
        if suffixes and suffixes[-1] in _BY_EXTENSION:
            return FORMATS[_BY_EXTENSION[suffixes[-1]]]
        raise ExportError(f"cannot tell the format of {path} from its name; "
                          f"give --format ({', '.join(FORMATS)})")
    return FORMATS["nq"]


__all__ = ["EXTENSION_ALIASES", "FORMATS", "ExportError", "ExportFormat", "format_for"]
