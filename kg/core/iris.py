"""Deterministic IRIs for everything the project mints.

The same report, entity or event gives the same IRI on every run, so re-ingesting
replaces instead of duplicating.

>>> report_key(url="https://example.org/a", text="x")
'b5b10dd0429e69ac'
>>> entity_iri("place", "SY0903")
'https://w3id.org/conflict-kg/id/place/SY0903'
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import quote

from kg.core.text import normalize_text

BASE = "https://w3id.org/conflict-kg/"
ID = BASE + "id/"
GRAPH = BASE + "graph/"
ONTOLOGY = BASE + "ontology#"

KB_GRAPH = GRAPH + "kb"
INFERRED_GRAPH = GRAPH + "inferred"
ONTOLOGY_GRAPH = GRAPH + "ontology"

_UNSAFE = re.compile(r"[^A-Za-z0-9._~-]")


def _digest(value: str, size: int = 16) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:size]


def text_hash(text: str) -> str:
    """SHA-256 of the normalised text (full hex digest)."""
    return hashlib.sha256(normalize_text(text).encode("utf-8")).hexdigest()


def report_key(*, url: str | None, text: str) -> str:
    """Key of a report: a hash of its URL if it has one, else of its normalised text."""
    if url:
        return _digest(url.strip())
    return text_hash(text)[:16]


def safe_key(value: str) -> str:
    """Make a key usable as the last IRI segment (percent-encoding what is unsafe)."""
    if not _UNSAFE.search(value):
        return value
    return quote(value, safe="")


def local_key(name: str) -> str:
    """Key for an entity minted from a name no KB entry has (NIL)."""
    return "local-" + _digest(normalize_text(name), 12)


def entity_iri(kind: str, key: str) -> str:
    """IRI of an entity of ``kind`` (``actor``, ``place``, ``person`` …) with ``key``."""
    return f"{ID}{kind}/{safe_key(key)}"


def report_iri(key: str) -> str:
    """IRI of the report with ``key``."""
    return f"{ID}report/{key}"


def report_graph(key: str) -> str:
    """IRI of the named graph that holds one report's facts."""
    return f"{GRAPH}report/{key}"


def event_iri(report: str, local: str) -> str:
    """IRI of an event of report ``report`` with the report-local key ``local``."""
    return f"{ID}event/{report}-{local}"
