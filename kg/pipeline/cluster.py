"""Extraction on a Dask cluster: ``kg ingest --cluster ADDRESS``.

Needs the optional extra: ``pip install 'conflict-kg[cluster]'``.

The cluster's workers extract; the command's process stays the store's only writer.
Documents are submitted as Dask tasks (:func:`kg.pipeline.pool.extract_in_worker`, the
same function the local process pool runs) and their graphs stream back in input order
(:func:`kg.pipeline.pool.ordered`), so the store ends the same as with ``--jobs 1``.

Each worker makes its extraction pipeline once, on its first document, and keeps it;
spaCy pipelines are not meant to be shared between threads, so run workers with one
thread each (``dask worker ADDRESS --nthreads 1 --nworkers N``). Every worker must have
the same conflict-kg installed as the writer: the cluster is refused when a worker's
pipeline version differs (its graphs would not be the ones the ledger records).

``--cluster local`` starts a cluster of worker processes on this machine for the
batch (``distributed.LocalCluster``) and stops it afterwards.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from kg.core.model import Document
from kg.pipeline.ledger import pipeline_version
from kg.pipeline.pool import Factory, Future, extract_in_worker


class ClusterError(RuntimeError):
    """The cluster cannot be used: Dask is missing, nobody answers, or versions differ."""


class Cluster:
    """Dask workers that extract documents.

    Args:
        address: a scheduler's address (``tcp://host:8786``), or ``local``.
        factory: makes the extractor of each worker (it must pickle).
        local_workers: with ``local``, how many worker processes to start.

    Raises:
        ClusterError: ``distributed`` is not installed, the scheduler does not answer,
            there are no workers, or a worker runs another pipeline version.
    """

    def __init__(self, address: str, factory: Factory, *, local_workers: int = 2,
                 timeout: float = 30.0) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise ClusterError("--cluster needs Dask: pip install 'conflict-kg[cluster]'"
                               ) from None
        self._factory = factory
        self._local: Any = None
        try:
            if address == "local":
                self._local = LocalCluster(n_workers=local_workers, threads_per_worker=1,
                                           processes=True, dashboard_address=None)
                self._client = Client(self._local, timeout=timeout)
            else:
                self._client = Client(address, timeout=timeout)
            self._client.wait_for_workers(1, timeout=timeout)
            versions = self._client.run(pipeline_version)
        except (OSError, TimeoutError) as exc:
            self.close()
            raise ClusterError(f"cluster {address} does not answer: {exc}") from None
        mine = pipeline_version()
        other = {worker: v for worker, v in versions.items() if v != mine}
        if other:
            self.close()
            raise ClusterError(
                "workers run another pipeline version than this one "
                f"({mine}): " + ", ".join(f"{w} has {v}" for w, v in sorted(other.items()))
                + " — install the same conflict-kg on every worker")
        threads = sum(self._client.nthreads().values())
        #: documents per task
        self.batch = 8
        #: batches in flight: enough to keep every worker busy while one is slow
        self.window = 4 * max(1, threads)

    def submit(self, documents: list[Document], ingested_at: list[dt.datetime]) -> Future:
        """Start extracting a batch of documents on some worker."""
        future: Future = self._client.submit(extract_in_worker, documents, ingested_at,
                                             self._factory, pure=False)
        return future

    def close(self) -> None:
        """Disconnect (and stop a local cluster)."""
        client = getattr(self, "_client", None)
        if client is not None:
            client.close()
        if self._local is not None:
            self._local.close()
            self._local = None

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
