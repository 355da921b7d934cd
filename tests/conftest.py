"""Shared fixtures: paths to the shared data, stores, the CLI runner."""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.linking.kb import KBEntity

REPO = Path(__file__).resolve().parent.parent


def shared_dir() -> Path | None:
    """The read-only shared folder (``KG_SHARED_DIR`` or ``../shared``), if present."""
    named = os.environ.get("KG_SHARED_DIR")
    path = Path(named) if named else REPO.parent / "shared"
    return path if path.is_dir() else None


@pytest.fixture
def shared() -> Path:
    """The shared folder; skips the test when it is absent (a user's fresh clone)."""
    path = shared_dir()
    if path is None:
        pytest.skip("../shared is not present (set KG_SHARED_DIR to run this test)")
    return path


@pytest.fixture
def seed_text() -> str:
    """The founding report (bundled with the package as a sample)."""
    return (REPO / "kg" / "samples" / "report-ar-000.txt").read_text(encoding="utf-8")


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    """A fresh folder for an on-disk store."""
    return tmp_path / "store"


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A CLI runner isolated from the user's config and data folders."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    for name in list(os.environ):
        if name.startswith("KG_") and name != "KG_SHARED_DIR":
            monkeypatch.delenv(name)
    return CliRunner()


# --------------------------------------------------------------------------- server fixtures
# A store with the hand-built sample (tests/data/server_sample.trig), an app over it
# (its query worker owns the store), a test client, and a real served process on a
# free 127.0.0.1 port. App and live server each get their own store folder: a store
# has one owner.

SERVER_SAMPLE = REPO / "tests" / "data" / "server_sample.trig"
SERVER_TOKEN = "test-token-6f1c"


def make_sample_store(folder: Path) -> Path:
    """Create an on-disk store holding the server sample; returns its folder."""
    from pyoxigraph import RdfFormat

    from kg.graph.store import open_store

    with open_store(folder) as store, open(SERVER_SAMPLE, "rb") as data:
        store.load(data, RdfFormat.TRIG)
    return folder


def server_settings(store: Path, **overrides: object):  # type: ignore[no-untyped-def]
    """Settings for a test server: no config file or environment, writes on with a token."""
    from kg.core.settings import load_settings

    values: dict[str, object] = {"store": str(store), "allow_updates": True,
                                 "write_token": SERVER_TOKEN, "query_timeout": 2.0,
                                 "max_result_rows": 1000}
    values.update(overrides)
    return load_settings(values, env={}, config_file=None)


@pytest.fixture(scope="session")
def server_app(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The Flask app over a sample store (shared by the session's server tests)."""
    from server import create_app

    store = make_sample_store(tmp_path_factory.mktemp("server-app") / "store")
    app = create_app(server_settings(store))
    assert app.extensions["kg"].pool.wait_ready()
    yield app
    app.extensions["kg"].pool.close()


@pytest.fixture
def client(server_app):  # type: ignore[no-untyped-def]
    """A Flask test client of :func:`server_app`."""
    return server_app.test_client()


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def oxigraph_binary() -> str | None:
    """The ``oxigraph`` server of PyPI ``oxigraph`` (beside this Python, or on the PATH)."""
    import shutil
    import sys

    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.exists() else shutil.which("oxigraph")


def start_oxigraph(folder: Path, *options: str):  # type: ignore[no-untyped-def]
    """Start ``oxigraph serve`` on a free 127.0.0.1 port; returns (process, query URL).

    Skips the test when the server is not installed; ``options`` are added to its
    command line (``--timeout-s 10``). Stop it with ``process.terminate()``.
    """
    import subprocess
    import time

    import requests

    binary = oxigraph_binary()
    if binary is None:
        pytest.skip("the oxigraph server is not installed (pip install oxigraph)")
    port = free_port()
    process = subprocess.Popen([binary, "serve", "--location", str(folder),
                                "--bind", f"127.0.0.1:{port}", *options],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/query"
    deadline = time.monotonic() + 30
    while True:
        try:
            if requests.get(url, params={"query": "ASK {}"}, timeout=2).ok:
                return process, url
        except requests.ConnectionError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"oxigraph serve did not start: {process.communicate()[1]!r}")
        time.sleep(0.05)


def start_server(store: Path, workdir: Path, **settings: str):  # type: ignore[no-untyped-def]
    """Start ``python -m server.wsgi`` on a free 127.0.0.1 port; returns (process, URL).

    ``settings`` become ``KG_*`` variables; the process is ready when it returns.
    """
    import subprocess
    import sys
    import time
    import urllib.request

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    config = workdir / "none.toml"
    config.write_text("", encoding="utf-8")
    env.update({"KG_STORE": str(store), "KG_PORT": str(port), "KG_HOST": "127.0.0.1",
                "KG_ALLOW_UPDATES": "true", "KG_WRITE_TOKEN": SERVER_TOKEN,
                "KG_QUERY_TIMEOUT": "2", "KG_MAX_RESULT_ROWS": "1000",
                "KG_CONFIG": str(config),
                "PYTHONPATH": str(REPO) + os.pathsep + env.get("PYTHONPATH", "")})
    env.update({"KG_" + name.upper(): value for name, value in settings.items()})
    log = workdir / "server.log"
    with open(log, "wb") as out:
        # its own process group, so that a failed start can be cleaned up whole
        process = subprocess.Popen([sys.executable, "-m", "server.wsgi"], cwd=REPO, env=env,
                                   stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url + "/api/status", timeout=2) as response:
                if response.status == 200:
                    return process, url
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            _kill_group(process)
            pytest.fail("server did not start:\n" + log.read_text(errors="replace"))
        time.sleep(0.1)


def _kill_group(process) -> None:  # type: ignore[no-untyped-def]
    import contextlib
    import signal

    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(5)


def stop_server(process) -> int:  # type: ignore[no-untyped-def]
    """SIGTERM a server from :func:`start_server`; returns its exit code."""
    import subprocess

    process.terminate()
    try:
        return int(process.wait(15))
    except subprocess.TimeoutExpired:
        _kill_group(process)
        return -9


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A real ``server.wsgi.serve`` process on 127.0.0.1; yields its base URL."""
    store = make_sample_store(tmp_path_factory.mktemp("server-live") / "store")
    process, url = start_server(store, tmp_path_factory.mktemp("server-run"))
    yield url
    stop_server(process)


def kb_entity(
    key: str, type_: str, ar: str, en: str | None = None, parent: str | None = None,
    **kw: object,
) -> KBEntity:
    """A KB entity for tests: defaults for every field, overridable by keyword."""

    fields: dict[str, object] = dict(
        key=key, kind=key.split(":")[0], type=type_, label_ar=ar, label_en=en, aliases=(),
        wikidata=None, parent=parent, lat=None, lon=None, pcode=None, geonames=None,
        admin_level=None, country="SY", prominence=0.5,
    )
    fields.update(kw)
    return KBEntity(**fields)  # type: ignore[arg-type]


class CountingListener:
    """A TCP listener on 127.0.0.1 that counts the connections it accepts."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.count = 0
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._closed:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.count += 1
            # an answer a SPARQL client would take, should anything get this far
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json"
                         b"\r\nContent-Length: 42\r\nConnection: close\r\n\r\n"
                         b'{"head":{"vars":[]},"results":{"bindings"')
            conn.close()

    def close(self) -> None:
        self._closed = True
        self.sock.close()
