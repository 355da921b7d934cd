"""The ingestion ledger: which reports a store holds, from what content, by which pipeline.

``kg ingest`` consults it before extracting a report and records each report right
after its graph is written. A report whose key, content hash and pipeline version are
already recorded (and whose graph the store still holds) is skipped; a changed report
or a new pipeline re-extracts it. A batch killed half-way therefore resumes where it
stopped: what was written is recorded, and what was not is done again.

The ledger is a small SQLite file. It is written *after* the store: if the process
dies between the two, the report is simply extracted again on the next run, and since
its graph is replaced (never appended to) the store ends the same.

>>> import tempfile, os
>>> from kg.core.model import Document
>>> folder = tempfile.mkdtemp()
>>> doc = Document(text="A report.", origin="a.txt")
>>> key, digest = report_key(doc), content_hash(doc)
>>> with Ledger(os.path.join(folder, "ledger.sqlite3"), version="v1") as ledger:
...     ledger.done(key, digest)
...     ledger.record(key, digest, graph="https://example.org/g", origin=doc.origin)
...     ledger.done(key, digest)
...     ledger.done(key, content_hash(Document(text="A changed report.")))
False
True
False
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Iterable
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from types import TracebackType

from kg import __version__
from kg.core import iris
from kg.core.model import Document
from kg.core.settings import default_data_dir

#: The ledger's file name inside an on-disk store's folder.
LEDGER_FILE = "kg-ledger.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS reports (
    key TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL,
    version TEXT NOT NULL,
    graph TEXT NOT NULL,
    origin TEXT NOT NULL,
    ingested_at TEXT NOT NULL
)
"""

#: What the pipeline version covers: the files whose change can change a report's graph.
_PIPELINE_PARTS = (
    ("extractors", ("*.py", "*.toml", "*.json", "*.cfg", "*.bin", "*.txt")),
    ("kg/core", ("*.py",)),
    ("kg/linking", ("*.py", "*.json", "*.json.gz")),
    ("ontology", ("*.py", "*.ttl")),
)
_PIPELINE_FILES = ("kg/graph/build.py", "kg/pipeline/nlp.py")


def ledger_path(store: str | Path) -> Path:
    """Where the ledger of a store is kept by default.

    In the folder of an on-disk store; for a server's store (a URL), in the per-user
    data folder, named by a hash of the URL.
    """
    text = str(store)
    if text.startswith(("http://", "https://")):
        name = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
        return default_data_dir() / "ledgers" / f"{name}.sqlite3"
    return Path(text).expanduser() / LEDGER_FILE


def report_key(document: Document) -> str:
    """The key of the report a document becomes (the last segment of its graph IRI)."""
    return iris.report_key(url=document.url, text=document.text)


def content_hash(document: Document) -> str:
    """A hash of everything of a document that its graph is made from.

    The origin (file name, line) is left out: moving a file does not change its report.

    >>> a = content_hash(Document(text="x", origin="a.txt"))
    >>> a == content_hash(Document(text="x", origin="b.txt"))
    True
    >>> a == content_hash(Document(text="x", source="SANA"))
    False
    """
    fields = [document.text, document.url, document.title,
              document.published.isoformat() if document.published else None,
              document.source, document.lang]
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False).encode("utf-8")).hexdigest()


@lru_cache(maxsize=1)
def pipeline_version() -> str:
    """The version of the extraction pipeline: the package version and a hash of its files.

    Covers the extractors (code, pattern tables, the NER model), the knowledge base and
    the linker, the data model, the RDF mapping and the ontology, so that any change to
    them (an upgrade, a local edit) makes ``kg ingest`` extract every report again.
    """
    # spaCy's version without importing it: a writer whose extraction runs in other
    # processes never needs spaCy itself (its import takes most of a second)
    root = Path(__file__).resolve().parent.parent.parent
    digest = hashlib.sha256(f"spacy {metadata.version('spacy')}".encode())
    files: set[Path] = {root / name for name in _PIPELINE_FILES}
    for folder, patterns in _PIPELINE_PARTS:
        for pattern in patterns:
            files.update(p for p in (root / folder).rglob(pattern)
                         if "training" not in p.parts and "__pycache__" not in p.parts)
    for path in sorted(files):
        if path.is_file():
            digest.update(str(path.relative_to(root)).encode() + b"\0")
            digest.update(path.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:12]}"


class Ledger:
    """The record of ingested reports, in a SQLite file.

    Args:
        path: the ledger file (created with its folder if missing).
        version: the pipeline version to record and compare with
            (default: :func:`pipeline_version`).

    Raises:
        OSError: the file cannot be created or is not a ledger.
    """

    def __init__(self, path: str | Path, *, version: str | None = None) -> None:
        self.path = Path(path)
        self.version = version or pipeline_version()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(self.path), isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            # a commit survives the process being killed; only power loss may lose the
            # last ones, and those reports are then extracted again
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(_SCHEMA)
        except sqlite3.Error as exc:
            raise OSError(f"cannot open the ingestion ledger {self.path}: {exc}") from None

    def __len__(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM reports").fetchone()[0])

    def entry(self, key: str) -> tuple[str, str, str] | None:
        """``(content_hash, version, graph)`` recorded for a report key, if any."""
        row = self._db.execute("SELECT content_hash, version, graph FROM reports WHERE key = ?",
                               (key,)).fetchone()
        return None if row is None else (row[0], row[1], row[2])

    def done(self, key: str, digest: str) -> bool:
        """Whether the report ``key`` was ingested from content ``digest`` by this pipeline."""
        found = self.entry(key)
        return found is not None and found[:2] == (digest, self.version)

    def record(self, key: str, digest: str, *, graph: str, origin: str) -> None:
        """Record that report ``key`` (content ``digest``, read from ``origin``) is in ``graph``."""
        now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
        self._db.execute("INSERT OR REPLACE INTO reports VALUES (?, ?, ?, ?, ?, ?)",
                         (key, digest, self.version, graph, origin, now))

    def record_many(self, rows: Iterable[tuple[str, str, str, str]]) -> None:
        """:meth:`record` for several reports ``(key, digest, graph, origin)``, one commit."""
        now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
        self._db.execute("BEGIN")
        try:
            self._db.executemany("INSERT OR REPLACE INTO reports VALUES (?, ?, ?, ?, ?, ?)",
                                 [(key, digest, self.version, graph, origin, now)
                                  for key, digest, graph, origin in rows])
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def close(self) -> None:
        """Close the file."""
        self._db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
