"""Extraction in parallel: documents go to worker processes, graphs come back in order.

Extraction (spaCy, linking, building quads) is pure and takes nearly all of an
ingestion's time, so it is what runs in parallel; writing stays in one process, the
store's only writer, which takes each report's graph as one transaction. Results come
back in the order of the input, so a batch ingested with any number of processes
stores the same graphs as one ingested with a single process.

The same ordered stream serves a Dask cluster (:mod:`kg.pipeline.cluster`): anything
with ``submit(fn, *args)`` returning a future that has ``done()`` and ``result()``.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import multiprocessing.connection
import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol

from pyoxigraph import NamedNode, Quad

from kg.core.model import Document, Report
from kg.graph.build import BuildContext, build_report, report_graph_iri

_MENTIONS = "https://schema.org/mentions"


@dataclass(slots=True)
class Extracted:
    """One document's graph, made by a worker (it pickles, so it travels between processes).

    ``error`` says why extraction failed; the other fields are then empty.
    """

    graph: str = ""
    quads: list[Quad] = field(default_factory=list)
    #: the type of each event, in order
    event_types: list[str] = field(default_factory=list)
    #: IRIs of the entities the report mentions
    entities: list[str] = field(default_factory=list)
    error: str | None = None


def extract_document(process: Callable[[Document], Report], document: Document,
                     ingested_at: dt.datetime) -> Extracted:
    """Extract, link and build one document's graph; an exception becomes ``error``."""
    try:
        report = process(document)
        quads = build_report(report, BuildContext(ingested_at=ingested_at))
    except Exception as exc:  # noqa: BLE001 - one bad report must not stop the batch
        return Extracted(error=f"extraction failed: {type(exc).__name__}: {exc}")
    entities = sorted({q.object.value for q in quads
                       if q.predicate.value == _MENTIONS and isinstance(q.object, NamedNode)})
    return Extracted(graph=report_graph_iri(report), quads=quads,
                     event_types=[event.type for event in report.events], entities=entities)


# --------------------------------------------------------------------------- in a worker

#: Makes an extractor (e.g. the class :class:`kg.pipeline.ingest.Processor`); it is
#: sent to the workers, so it must pickle (a class or a module-level function does).
Factory = Callable[[], Callable[[Document], Report]]

#: The extractor of this worker process, made once by :func:`start_worker` (or on its
#: first document): a process-wide cache, since spaCy pipelines take a second to load.
_worker: dict[str, Callable[[Document], Report]] = {}


def start_worker(factory: Factory) -> None:
    """Make this process's extractor (the pool's initializer).

    A pool's worker also ends when the process that started it dies (killed, say),
    rather than waiting for work forever.
    """
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_end_with, args=(parent.sentinel,), daemon=True).start()
    _worker["process"] = factory()


def _end_with(sentinel: int) -> None:
    multiprocessing.connection.wait([sentinel])
    os._exit(1)


def extract_in_worker(document: Document, ingested_at: dt.datetime,
                      factory: Factory) -> Extracted:
    """:func:`extract_document` with this worker process's extractor (made on first use)."""
    if "process" not in _worker:
        start_worker(factory)
    return extract_document(_worker["process"], document, ingested_at)


# --------------------------------------------------------------------------- ordering


class Future(Protocol):
    """What the ordered stream needs of a submitted task."""

    def done(self) -> bool: ...

    def result(self) -> Any: ...


class Submit(Protocol):
    """Hands a task to the workers (``Executor.submit``, ``distributed.Client.submit``)."""

    def __call__(self, document: Document, ingested_at: dt.datetime) -> Future: ...


class Ready:
    """A future that is already done (for work done in the writer itself)."""

    __slots__ = ("_value",)

    def __init__(self, value: Any) -> None:
        self._value = value

    def done(self) -> bool:
        return True

    def result(self) -> Any:
        return self._value


def inline(process: Callable[[Document], Report]) -> Submit:
    """Extract in this process, one document at a time (``--jobs 1``)."""

    def submit(document: Document, ingested_at: dt.datetime) -> Future:
        return Ready(extract_document(process, document, ingested_at))

    return submit


def ordered(items: Iterable[Any], submit: Callable[[Any], Future], window: int
            ) -> Iterator[tuple[Any, Any]]:
    """``(item, result)`` for each item, in input order, with at most ``window`` in flight.

    ``submit(item)`` starts the work; results are taken as soon as the oldest is done,
    so memory stays bounded however long the input.

    >>> list(ordered([1, 2, 3], lambda n: Ready(n * 10), 2))
    [(1, 10), (2, 20), (3, 30)]
    """
    pending: deque[tuple[Any, Future]] = deque()
    for item in items:
        pending.append((item, submit(item)))
        while pending and (len(pending) > window or pending[0][1].done()):
            first, future = pending.popleft()
            yield first, future.result()
    while pending:
        first, future = pending.popleft()
        yield first, future.result()


def plan_jobs(requested: int | None, reports: int, per_job: int) -> int:
    """How many extraction processes to start for about ``reports`` reports.

    Args:
        requested: ``--jobs`` (``None`` or 0: the number of CPUs).
        reports: the estimated number of reports to extract.
        per_job: the fewest reports worth a process of their own (each takes about a
            second to load its pipeline).

    >>> plan_jobs(4, 10_000, 200), plan_jobs(4, 500, 200), plan_jobs(4, 5, 200)
    (4, 2, 1)
    """
    wanted = requested or os.cpu_count() or 1
    return max(1, min(wanted, reports // max(1, per_job)))


class ProcessPool:
    """Worker processes that extract documents (``kg ingest --jobs N``).

    Args:
        jobs: number of processes.
        factory: makes the extractor of each process.

    Processes are started with ``spawn``: the writer holds an open store (with its
    threads) that a forked child must not inherit.
    """

    def __init__(self, jobs: int, factory: Factory) -> None:
        self.jobs = jobs
        #: documents in flight: enough to keep every process busy while one is slow
        self.window = 16 * jobs
        self._factory = factory
        self._executor = ProcessPoolExecutor(
            max_workers=jobs, mp_context=multiprocessing.get_context("spawn"),
            initializer=start_worker, initargs=(factory,))

    def submit(self, document: Document, ingested_at: dt.datetime) -> Future:
        """Start extracting one document."""
        return self._executor.submit(extract_in_worker, document, ingested_at, self._factory)

    def close(self) -> None:
        """Stop the processes (pending work is cancelled)."""
        self._executor.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> ProcessPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
