"""Media types the server speaks, as data, and content negotiation over them.

Two families: SPARQL results (``SELECT``/``ASK``) and RDF graphs (``CONSTRUCT``,
``DESCRIBE``, graph downloads, linked-data pages). Each entry names the media type
sent, the other media types that select it, the short names ``format=`` accepts,
and the pyoxigraph format that writes it.

>>> negotiate(RESULTS, "text/csv;q=0.5, application/sparql-results+xml").name
'xml'
>>> negotiate(GRAPHS, None, override="nt").media_type
'application/n-triples'
>>> negotiate(GRAPHS, "image/png") is None
True
"""

from __future__ import annotations

from dataclasses import dataclass

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from server.errors import BadRequest


@dataclass(frozen=True, slots=True)
class Format:
    """One serialisation the server can send."""

    name: str
    media_type: str
    #: other media types that select this format in ``Accept``
    aliases: tuple[str, ...]
    #: short names for ``format=`` (besides :attr:`name`)
    short: tuple[str, ...]
    #: the pyoxigraph ``QueryResultsFormat`` or ``RdfFormat`` attribute name
    engine: str
    extension: str
    #: whether the format can hold named graphs
    datasets: bool = False

    @property
    def content_type(self) -> str:
        """The ``Content-Type`` header value."""
        text = self.media_type.startswith("text/") or self.media_type.endswith(
            ("+json", "+xml", "/json", "/n-triples", "/n-quads", "/trig"))
        return f"{self.media_type}; charset=utf-8" if text else self.media_type


#: SPARQL results formats, in the server's order of preference.
RESULTS: tuple[Format, ...] = (
    Format("json", "application/sparql-results+json", ("application/json",),
           ("srj",), "JSON", "srj"),
    Format("xml", "application/sparql-results+xml", ("application/xml", "text/xml"),
           ("srx",), "XML", "srx"),
    Format("csv", "text/csv", (), (), "CSV", "csv"),
    Format("tsv", "text/tab-separated-values", (), (), "TSV", "tsv"),
)

#: RDF formats, in the server's order of preference.
GRAPHS: tuple[Format, ...] = (
    Format("turtle", "text/turtle", ("application/x-turtle",), ("ttl",), "TURTLE", "ttl"),
    Format("ntriples", "application/n-triples", ("text/plain",), ("nt",), "N_TRIPLES", "nt"),
    Format("nquads", "application/n-quads", (), ("nq",), "N_QUADS", "nq", True),
    Format("trig", "application/trig", (), (), "TRIG", "trig", True),
    Format("rdfxml", "application/rdf+xml", ("application/xml", "text/xml"),
           ("xml", "rdf", "owl"), "RDF_XML", "rdf"),
    Format("jsonld", "application/ld+json", ("application/json",), ("json",), "JSON_LD",
           "jsonld"),
)


def by_override(family: tuple[Format, ...], value: str) -> Format | None:
    """The format a ``format=`` value names (short name or media type), if any."""
    wanted = value.strip().lower()
    for fmt in family:
        if wanted == fmt.name or wanted in fmt.short or wanted == fmt.media_type \
                or wanted in fmt.aliases:
            return fmt
    return None


def negotiate(family: tuple[Format, ...], accept: str | None, *,
              override: str | None = None) -> Format | None:
    """Choose the format to send.

    Args:
        family: :data:`RESULTS` or :data:`GRAPHS`.
        accept: the request's ``Accept`` header (``None`` or empty: anything).
        override: a ``format=`` parameter, which wins over ``Accept``.

    Returns:
        The chosen format, or ``None`` when nothing acceptable can be produced.
    """
    if override:
        return by_override(family, override)
    if not accept or not accept.strip():
        return family[0]
    parsed = parse_accept_header(accept, MIMEAccept)
    best: tuple[float, int, Format] | None = None
    for rank, fmt in enumerate(family):
        for position, media_type in enumerate((fmt.media_type, *fmt.aliases)):
            quality = parsed.quality(media_type)
            if quality <= 0:
                continue
            # exact media types beat aliases and wildcards of the same quality
            exact = parsed.find(media_type) >= 0 and position == 0
            key = (quality + (0.001 if exact else 0.0), -rank)
            if best is None or key > (best[0], best[1]):
                best = (key[0], key[1], fmt)
    return None if best is None else best[2]


def override_or_error(family: tuple[Format, ...], override: str | None) -> None:
    """Raise if ``format=`` names no format of ``family``.

    Raises:
        BadRequest: the override is unknown.
    """
    if override and by_override(family, override) is None:
        names = ", ".join(f.name for f in family)
        raise BadRequest(f"unknown format {override!r}; use one of: {names}")
