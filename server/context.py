"""What the app's routes share: the :class:`ServerState` of the app handling a request."""

from __future__ import annotations

from dataclasses import dataclass, field
from threading import Lock
from typing import Any

from flask import current_app

from kg.core.settings import Settings


@dataclass
class ServerState:
    """What the app's routes share: settings, the worker pool, the ingestion lock."""

    settings: Settings
    #: the :class:`server.workers.WorkerPool` that runs every job against the store
    pool: Any
    #: one ingestion batch at a time (extraction runs in this process)
    ingest_lock: Lock = field(default_factory=Lock)
    #: the :class:`kg.pipeline.ingest.Processor` (spaCy pipelines, KB), made on first ingestion
    processor: Any = None
    #: the :class:`server.lane.LocalReader` answering one-subject look-ups in this
    #: process; ``None`` when the server accepts writes (every query goes to the pool)
    reader: Any = None


def state() -> ServerState:
    """The :class:`ServerState` of the app handling the current request."""
    return current_app.extensions["kg"]  # type: ignore[no-any-return]


def accepts_writes(settings: Settings) -> bool:
    """Whether the server takes writes (SPARQL Update, Graph Store, ingestion): both
    ``allow_updates`` and a ``write_token`` are set."""
    return bool(settings.allow_updates and settings.write_token)
