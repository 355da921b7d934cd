"""``create_app``: the only place the WSGI app is built."""

from __future__ import annotations

import atexit
from pathlib import Path
from typing import Any

from flask import Flask

from kg.core.settings import Settings
from kg.graph.remote import is_url
from kg.graph.store import ensure_store
from server.context import ServerState, accepts_writes


def create_app(settings: Settings, *, pool: Any = None) -> Flask:
    """Build the WSGI app.

    Args:
        settings: the resolved settings (store, limits, auth, CORS, ...).
        pool: a :class:`server.workers.WorkerPool` to use (every job goes to it); by
            default one is started on ``settings.store`` — a folder, or a SPARQL 1.1
            server's query URL — (and stopped when the process exits), read-only
            unless the settings allow writes.

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
        read_only = not accepts_writes(settings)
        remote = is_url(settings.store)
        location: str | Path = settings.store
        if not remote:
            location = Path(settings.store).expanduser()
            if read_only:
                ensure_store(location)  # a read-only open needs a store to be there
                reader = LocalReader(location)
        # A server store: the workers forward jobs to it over HTTP, so they keep their
        # network (see docs/server.md, "A store on a SPARQL server").
        pool = WorkerPool(location, slots=settings.max_concurrent_queries,
                          timeout=settings.query_timeout, read_only=read_only,
                          offline=not settings.allowed_service_endpoints and not remote,
                          client_slots=settings.client_query_slots,
                          memory_limit=max(0, settings.query_memory_limit) << 20,
                          urls=(settings.store_update_url, settings.store_graph_url))
        atexit.register(pool.close)
    app.extensions["kg"] = ServerState(settings=settings, pool=pool, reader=reader)
    register_error_handlers(app)
    for routes in (sparql_routes, graphstore_routes, report_routes, page_routes):
        app.register_blueprint(routes)
    # plain `GET /sparql?query=` requests skip Flask's request machinery
    install_fast_path(app)
    return app
