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

import contextlib
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

from pyoxigraph import NamedNode

from kg.core.model import Document, Report
from kg.graph.build import BuildContext, build_report, report_graph_iri
from kg.graph.store import Statements

_MENTIONS = "https://schema.org/mentions"


@dataclass(slots=True)
class Extracted:
    """One document's graph, made by a worker (it pickles, so it travels between processes).

    ``error`` says why extraction failed; the other fields are then empty.
    """

    graph: str = ""
    #: the graph's statements, as the writer stores them
    statements: Statements = field(default_factory=lambda: Statements(()))
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
    return Extracted(graph=report_graph_iri(report), statements=Statements.of(quads),
                     event_types=[event.type for event in report.events], entities=entities)


# --------------------------------------------------------------------------- in a worker

#: Makes an extractor (e.g. the class :class:`kg.pipeline.ingest.Processor`); it is
#: sent to the workers, so it must pickle (a class or a module-level function does).
Factory = Callable[[], Callable[[Document], Report]]

#: How much lower the CPU priority of ``--jobs`` extraction processes is than the
#: writer's (``nice``; see :func:`start_local_worker`).
WORKER_NICENESS = 10

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


def start_local_worker(factory: Factory) -> None:
    """:func:`start_worker` for a :class:`ProcessPool` process, at a lower CPU priority.

    The one writer is the batch's serial part, on the same machine: when it has work it
    should get a core, not share one with the extraction processes, which wait for it
    anyway once their window of batches is full. (Measured on two cores: two jobs went
    from 1.42× to 1.63× of one; docs/scale.md.)
    """
    with contextlib.suppress(OSError):
        os.nice(WORKER_NICENESS)
    start_worker(factory)


def _end_with(sentinel: int) -> None:
    multiprocessing.connection.wait([sentinel])
    os._exit(1)


def extract_in_worker(documents: list[Document], ingested_at: list[dt.datetime],
                      factory: Factory) -> list[Extracted]:
    """:func:`extract_document` for a batch of documents, with this worker process's
    extractor (made on first use)."""
    if "process" not in _worker:
        start_worker(factory)
    return [extract_document(_worker["process"], document, stamp)
            for document, stamp in zip(documents, ingested_at, strict=True)]


# --------------------------------------------------------------------------- ordering


class Future(Protocol):
    """What the ordered stream needs of a submitted task."""

    def done(self) -> bool: ...

    def result(self) -> Any: ...




class Ready:
    """A future that is already done (for work done in the writer itself)."""

    __slots__ = ("_value",)

    def __init__(self, value: Any) -> None:
        self._value = value

    def done(self) -> bool:
        return True

    def result(self) -> Any:
        return self._value


def inline(process: Callable[[Document], Report]
           ) -> Callable[[list[Document], list[dt.datetime]], Future]:
    """Extract in this process (``--jobs 1``)."""

    def submit(documents: list[Document], ingested_at: list[dt.datetime]) -> Future:
        return Ready([extract_document(process, document, stamp)
                      for document, stamp in zip(documents, ingested_at, strict=True)])

    return submit


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def ordered(items: Iterable[Any], triage: Callable[[Any], Future | None],
            submit: Callable[[list[Any]], Future], *, window: int, batch: int = 1
            ) -> Iterator[tuple[Any, Any]]:
    """``(item, result)`` for each item, in input order, with bounded work in flight.

    Args:
        items: the input.
        triage: a done future for an item dealt with here (its result is the item's
            result), or ``None`` for an item to hand to ``submit``.
        submit: starts the work on a list of items; its future's result is the list
            of their results.
        window: the most batches in flight; results are taken as soon as the oldest
            batch is done, so memory stays bounded however long the input.
        batch: items per batch (fewer, larger messages between processes).

    >>> odd = lambda n: Ready(-n) if n % 2 else None
    >>> tens = lambda ns: Ready([n * 10 for n in ns])
    >>> list(ordered([1, 2, 3, 4, 5], odd, tens, window=1, batch=2))
    [(1, -1), (2, 20), (3, -3), (4, 40), (5, -5)]
    """
    pending: deque[tuple[list[Any], list[Future | None], Future]] = deque()

    def unpack() -> Iterator[tuple[Any, Any]]:
        group, marks, future = pending.popleft()
        results = iter(future.result())
        for item, mark in zip(group, marks, strict=True):
            yield item, (next(results) if mark is None else mark.result())

    for group in _batches(items, batch):
        marks = [triage(item) for item in group]
        work = [item for item, mark in zip(group, marks, strict=True) if mark is None]
        pending.append((group, marks, submit(work) if work else Ready([])))
        while pending and (len(pending) > window or pending[0][2].done()):
            yield from unpack()
    while pending:
        yield from unpack()


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
        #: documents per task: fewer, larger messages between the processes
        self.batch = 8
        #: batches in flight: enough to keep every process busy while one is slow
        self.window = 4 * jobs
        self._factory = factory
        self._executor = ProcessPoolExecutor(
            max_workers=jobs, mp_context=multiprocessing.get_context("spawn"),
            initializer=start_local_worker, initargs=(factory,))

    def submit(self, documents: list[Document], ingested_at: list[dt.datetime]) -> Future:
        """Start extracting a batch of documents."""
        return self._executor.submit(extract_in_worker, documents, ingested_at, self._factory)

    def close(self) -> None:
        """Stop the processes (pending work is cancelled)."""
        self._executor.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> ProcessPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
