"""Serve the app from Python (``kg serve``): granian by default, or gunicorn.

Each web process runs the Flask app on ``workers`` threads and starts its own
query worker (see :mod:`server.workers`). How many web processes:

* a server that accepts writes has one: its query worker is the store's single
  writer;
* a read-only server (the default) has ``web_processes`` (default 2). Every process
  opens the store read-only, and this process holds
  :func:`kg.graph.store.hold_readers_lock` while it serves, so no other process can write
  under the readers. Several processes matter because each has its own GIL: with
  one-subject look-ups answered in the web process (:mod:`server.lane`), one
  process with more threads spends its time handing the GIL between them.

Which HTTP server (setting ``http_server``):

* ``granian`` (default): HTTP handled in Rust. The app runs behind
  :class:`server.gateway.Gateway` on granian's RSGI interface: each request body
  is read in full on the event loop, with a deadline (``request_read_timeout``)
  and a per-client cap on requests in progress (``max_client_requests``), before
  one of ``workers`` threads runs the Flask app — so clients that never finish
  their body hold no thread (``bench/bench_slow_clients.py``).
* ``gunicorn``: pure Python, driven through
  :class:`gunicorn.app.base.BaseApplication`; the fallback. It has neither the body
  deadline nor the per-client cap: a slow body holds one of its threads.

Both handle SIGINT/SIGTERM and start the app in a child process.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gunicorn.app.base import BaseApplication

from kg.core.settings import Settings, SettingsError
from kg.graph.remote import is_url, open_location
from kg.graph.store import StoreError, StoreLockedError, ensure_store, hold_readers_lock
from server.context import accepts_writes

#: gunicorn's largest accepted request line; longer queries must be POSTed.
MAX_REQUEST_LINE = 8190


class _Server(BaseApplication):  # type: ignore[misc]
    """gunicorn configured from our settings instead of its command line."""

    def __init__(self, settings: Settings, ready: Callable[[str], None] | None) -> None:
        self.settings = settings
        self.ready = ready
        self.app: Any = None
        super().__init__()

    def load_config(self) -> None:
        s = self.settings
        options: dict[str, Any] = {
            "bind": f"{s.host}:{s.port}",
            "workers": web_processes(s),
            "worker_class": "gthread",
            "threads": max(1, s.workers),
            # gunicorn's own watchdog: longer than any query may run
            "timeout": int(s.query_timeout) + 60,
            "graceful_timeout": 10,
            "keepalive": 5,
            "limit_request_line": MAX_REQUEST_LINE,
            "accesslog": None,
            "errorlog": "-",
            "loglevel": "warning",
            "proc_name": "kg-serve",
            "when_ready": self._when_ready,
            "worker_exit": self._worker_exit,
        }
        for key, value in options.items():
            self.cfg.set(key, value)

    def _when_ready(self, arbiter: Any) -> None:
        if self.ready is None:
            return
        host, port = arbiter.LISTENERS[0].sock.getsockname()[:2]
        shown = self.settings.base_url or f"http://{host}:{port}"
        self.ready(shown.rstrip("/"))

    def _worker_exit(self, arbiter: Any, worker: Any) -> None:
        # Stop the query worker (it flushes the store), then leave without running
        # C++ static destructors: a process forked from one that had RocksDB loaded
        # (``kg demo`` ingests first) aborts in them.
        if self.app is not None:
            self.app.extensions["kg"].pool.close()
        os._exit(0)

    def load(self) -> Any:
        from server import create_app

        self.app = create_app(self.settings)
        return self.app


def web_processes(settings: Settings) -> int:
    """How many web processes serve: ``web_processes`` when read-only, else one.

    A server that accepts writes has one web process, because its query worker is
    the store's one writer. A read-only server can have several: each has its own
    query worker, and every process opens the store read-only.
    """
    return max(1, settings.web_processes) if not accepts_writes(settings) else 1


def serve(settings: Settings, *, ready: Callable[[str], None] | None = None) -> None:
    """Run the server until it is stopped (Ctrl+C / SIGTERM).

    Args:
        settings: host, port, workers, store and every limit.
        ready: called with the server's URL once it listens.

    Raises:
        SettingsError: ``http_server`` names no known server.
        StoreLockedError: another process has the store open.
        StoreError: the store folder cannot be created, or the store's server (a
            ``store`` that is a URL) does not answer.
    """
    runner = SERVERS.get(settings.http_server)
    if runner is None:
        raise SettingsError(f"unknown http_server {settings.http_server!r}; "
                            f"use one of {', '.join(SERVERS)}")
    readers_lock = None
    if is_url(settings.store):
        # A store on a SPARQL server: nothing to lock here. Fail now, with a clear
        # message, if the server does not answer.
        open_location(settings.store, update_url=settings.store_update_url,
                      graph_url=settings.store_graph_url).close()
        runner(settings, ready)
        return
    # Fail here, with a clear message, rather than later inside the worker process.
    folder = Path(settings.store).expanduser()
    check_store_free(folder)
    if not accepts_writes(settings):
        # Read-only: every process opens the store read-only, so keep writers (`kg
        # ingest`) out for as long as this process serves; the lock goes with it.
        ensure_store(folder)
        readers_lock = hold_readers_lock(folder)
    try:
        runner(settings, ready)
    finally:
        if readers_lock is not None:
            os.close(readers_lock)


def _serve_gunicorn(settings: Settings, ready: Callable[[str], None] | None) -> None:
    _Server(settings, ready).run()


#: Environment variable that hands the resolved settings to granian's worker process.
SETTINGS_VARIABLE = "KG_SERVE_SETTINGS"


def app_from_environment() -> Any:
    """Build the app in granian's worker from the settings :func:`serve` put in the environment.

    The Flask app runs behind :class:`server.gateway.Gateway`, granian's ASGI
    interface: bodies are read before a thread takes the request.
    """
    import atexit

    from server import create_app
    from server.gateway import Gateway

    values = json.loads(os.environ[SETTINGS_VARIABLE])
    # Registered first, so it runs last: after the pool has flushed and stopped, leave
    # without C++ static destructors (a process forked from one that had RocksDB
    # loaded, as after `kg demo`, aborts in them).
    atexit.register(os._exit, 0)
    settings = Settings(values, {name: "serve" for name in values})
    app = create_app(settings)
    fast = getattr(app.wsgi_app, "answer_async", None)  # server.fastpath.QueryFastPath
    return Gateway(app, threads=max(1, settings.workers),
                   read_timeout=settings.request_read_timeout,
                   max_body=settings.max_request_bytes,
                   client_requests=settings.max_client_requests, fast=fast)


def _wait_until_answering(url: str, ready: Callable[[str], None]) -> None:
    """Call ``ready(url)`` once ``/api/status`` answers (the app is loaded, the store open)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/api/status", timeout=5) as response:
                if response.status == 200:
                    ready(url)
                    return
        except OSError:
            pass
        time.sleep(0.05)


def _serve_granian(settings: Settings, ready: Callable[[str], None] | None) -> None:
    from granian import Granian
    from granian.constants import Interfaces
    from granian.http import HTTP1Settings
    from granian.log import LogLevels

    local = f"http://{settings.host}:{settings.port}"
    shown = (settings.base_url or local).rstrip("/")

    class _Granian(Granian):  # type: ignore[misc, valid-type]
        def startup(self, *args: Any, **kwargs: Any) -> None:
            super().startup(*args, **kwargs)
            # After the worker is forked (no thread of ours may exist at a fork: a
            # lock it held would stay locked in the child); on Linux each worker
            # opens its own listening socket, so wait until the app answers.
            if ready is not None:
                threading.Thread(target=lambda: _wait_until_answering(local, lambda _: ready(
                    shown)), daemon=True, name="kg-ready").start()

    os.environ[SETTINGS_VARIABLE] = json.dumps(settings.as_dict())
    _allow_open_files(settings.max_connections + 1024)
    server = _Granian(
        "server.wsgi:app_from_environment",
        address=settings.host,
        port=settings.port,
        interface=Interfaces.RSGI,
        factory=True,
        workers=web_processes(settings),
        websockets=False,
        log_level=LogLevels.warning,
        respawn_failed_workers=True,
        workers_kill_timeout=15,
        backpressure=max(1, settings.max_connections),
        http1_settings=HTTP1Settings(
            header_read_timeout=int(settings.request_header_timeout * 1000)),
    )
    server.serve()


def _allow_open_files(wanted: int) -> None:
    """Raise this process's open-file limit towards ``wanted`` (up to the hard limit).

    Each connection is a file; a soft limit of 1024 (common) would cap connections far
    below ``max_connections``. The web processes inherit the limit.
    """
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


#: The HTTP servers ``kg serve`` can run, by the ``http_server`` setting.
SERVERS: dict[str, Callable[[Settings, Callable[[str], None] | None], None]] = {
    "granian": _serve_granian,
    "gunicorn": _serve_gunicorn,
}


def check_store_free(folder: Path) -> None:
    """Raise if another process holds the store open, without opening it here.

    Opening the store in this process would load RocksDB before gunicorn forks, so
    the lock file (``LOCK``, an ``fcntl`` lock held by RocksDB) is probed instead.

    Raises:
        StoreLockedError: the store is in use.
        StoreError: the folder cannot be created.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create store folder {folder}: {exc.strerror}") from None
    lock = folder / "LOCK"
    if not lock.exists():
        return
    with open(lock, "a+b") as handle:
        try:
            fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise StoreLockedError(
                f"store {folder} is in use by another process (another `kg serve`, or "
                "a `kg ingest` still running)") from None
        fcntl.lockf(handle, fcntl.LOCK_UN)


def main() -> None:
    """``python -m server.wsgi``: serve with settings from config and ``KG_*`` variables."""
    from kg.core.settings import load_settings

    serve(load_settings(), ready=lambda url: print(f"listening on {url}", flush=True))


if __name__ == "__main__":
    main()
