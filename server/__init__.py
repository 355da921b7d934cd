"""conflict-kg server: the SPARQL endpoint, the query page and linked-data pages.

Build the app with :func:`create_app`; serve it with :func:`server.wsgi.serve`.
Queries run in a killable worker process that opens the store (see
:mod:`server.workers`). While the server accepts no writes (the default), the web
process also opens the store read-only and answers look-ups of one subject itself
(see :mod:`server.lane`).
"""

from __future__ import annotations

import atexit
from dataclasses import dataclass, field
from pathlib import Path
from threading import Lock
from typing import Any

from flask import Flask, current_app

from kg.settings import Settings
from kg.store import ensure_store


@dataclass
class ServerState:
    """What the app's routes share: settings, the worker pool, the ingestion lock."""

    settings: Settings
    #: the :class:`server.workers.WorkerPool` that runs every job against the store
    pool: Any
    #: one ingestion batch at a time (extraction runs in this process)
    ingest_lock: Lock = field(default_factory=Lock)
    #: the :class:`kg.ingest.Processor` (spaCy pipelines, KB), made on first ingestion
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


def create_app(settings: Settings, *, pool: Any = None) -> Flask:
    """Build the WSGI app.

    Args:
        settings: the resolved settings (store, limits, auth, CORS, ...).
        pool: a :class:`server.workers.WorkerPool` to use (every job goes to it); by
            default one is started on ``settings.store`` (and stopped when the process
            exits), read-only unless the settings allow writes.

    Returns:
        The Flask app; ``app.extensions["kg"]`` is its :class:`ServerState`.
    """
    from server.errors import register_error_handlers
    from server.fastpath import install as install_fast_path
    from server.graphstore import blueprint as graphstore_routes
    from server.lane import LocalReader
    from server.pages import blueprint as page_routes
    from server.reports import blueprint as report_routes
    from server.sparql import blueprint as sparql_routes
    from server.workers import WorkerPool

    app = Flask(__name__, static_folder="static", template_folder="templates")
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    app.config["MAX_FORM_MEMORY_SIZE"] = settings.max_request_bytes
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    reader = None
    if pool is None:
        path = Path(settings.store).expanduser()
        read_only = not accepts_writes(settings)
        if read_only:
            ensure_store(path)  # a read-only open needs a store to be there
            reader = LocalReader(path)
        pool = WorkerPool(path, slots=settings.max_concurrent_queries,
                          timeout=settings.query_timeout, read_only=read_only)
        atexit.register(pool.close)
    app.extensions["kg"] = ServerState(settings=settings, pool=pool, reader=reader)
    register_error_handlers(app)
    for routes in (sparql_routes, graphstore_routes, report_routes, page_routes):
        app.register_blueprint(routes)
    # plain `GET /sparql?query=` requests skip Flask's request machinery
    install_fast_path(app)
    return app


__all__ = ["ServerState", "accepts_writes", "create_app", "state"]
