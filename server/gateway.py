"""The HTTP front: requests are read in full, asynchronously, before a thread takes them.

A WSGI server hands each request to a thread that then reads the body from the
socket. A client that sends headers and a ``Content-Length`` and then never sends
the body holds that thread until the server gives up on it — with a few such
clients every thread is held and the server stops answering. So ``kg serve`` runs
the app under granian's ASGI interface behind :class:`Gateway`, which:

* reads each request body on the event loop (a held-open body costs a coroutine,
  not a thread), with a deadline (``request_read_timeout``: ``408`` after it) and a
  size cap (``max_request_bytes``: ``413``);
* lets one client (one remote address) have at most ``max_client_requests``
  requests in progress, counting the ones still sending their body (``429`` with
  ``Retry-After`` beyond that), so one client cannot take every connection slot;
* then calls the WSGI app on a pool of ``workers`` threads, with the body already
  in memory, and sends the response (small ones in one piece; large ones, such as
  exports, as the app yields them).

Errors use the server's one error shape (:mod:`server.errors`).

>>> import asyncio
>>> def hello(environ, start_response):
...     start_response("200 OK", [("Content-Type", "text/plain")])
...     return [environ["wsgi.input"].read()]
>>> sent = []
>>> async def receive():
...     return {"type": "http.request", "body": b"hi", "more_body": False}
>>> async def send(message):
...     sent.append(message)
>>> scope = {"type": "http", "method": "POST", "path": "/", "query_string": b"",
...          "headers": [], "client": ("127.0.0.1", 5), "server": ("127.0.0.1", 80)}
>>> asyncio.run(Gateway(hello, threads=1)(scope, receive, send))
>>> sent[0]["status"], sent[1]["body"]
(200, b'hi')
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from collections import Counter
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Iterable,
    Iterator,
    MutableMapping,
    Sequence,
)
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO
from typing import Any

from server.errors import (
    ApiError,
    BadRequest,
    PayloadTooLarge,
    RequestTimeout,
    TooManyRequests,
)

log = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
FastAnswer = Callable[[dict[str, Any]],
                      Awaitable[tuple[int, list[tuple[str, str]], bytes] | None]]

#: Methods whose requests are taken to have no body unless they declare a length (a
#: chunked body is announced by a header the HTTP layer does not pass on).
BODILESS = frozenset({"GET", "HEAD", "OPTIONS", "DELETE"})

#: A response body up to this size is collected in the app's thread and sent at once.
BUFFERED_BODY = 1 << 16


class _Gone(Exception):
    """The client went away while its request was read."""


class Gateway:
    """An ASGI application that serves a WSGI application safely (see the module doc).

    Args:
        app: the WSGI application.
        threads: threads that run the WSGI application.
        read_timeout: seconds a client has to send its whole request body.
        max_body: largest request body, in bytes.
        client_requests: most requests one client address may have in progress.
        fast: answers some requests on the event loop (see
            :meth:`server.fastpath.QueryFastPath.answer_async`); ``None`` for a request
            it does not take, which then goes to ``app`` on a thread.
    """

    def __init__(self, app: WSGIApp, *, threads: int, read_timeout: float = 10.0,
                 max_body: int = 1_000_000, client_requests: int = 16,
                 fast: FastAnswer | None = None) -> None:
        self.app = app
        self.fast = fast
        self.read_timeout = read_timeout
        self.max_body = max_body
        self.client_requests = max(1, client_requests)
        self._executor = ThreadPoolExecutor(max(1, threads), thread_name_prefix="kg-web")
        #: requests in progress per client address (touched on the event loop only)
        self._in_progress: Counter[str] = Counter()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        client = (scope.get("client") or ("unknown", 0))[0]
        if not self._claim(client):
            await _send_error(send, self._too_many())
            return
        try:
            try:
                body = await self._read_body(scope, receive)
            except ApiError as refused:
                await _send_error(send, refused)
                return
            except _Gone:
                return
            await self._respond(_environ(scope, body), send)
        finally:
            self._release(client)

    def _claim(self, client: str) -> bool:
        """Count a request of ``client`` in progress, unless it has its share already."""
        if self._in_progress[client] >= self.client_requests:
            return False
        self._in_progress[client] += 1
        return True

    def _release(self, client: str) -> None:
        self._in_progress[client] -= 1
        if not self._in_progress[client]:
            del self._in_progress[client]

    def _too_many(self) -> ApiError:
        return TooManyRequests(
            f"this client already has {self.client_requests} requests in progress "
            "(setting max_client_requests); wait for one to finish",
            headers={"Retry-After": "1"})

    async def _rest(self, rest: Iterator[bytes]) -> AsyncIterator[bytes]:
        """The remaining chunks of a response body, each taken on a thread; then closed."""
        loop = asyncio.get_running_loop()
        try:
            while True:
                chunk = await loop.run_in_executor(self._executor, next, rest, None)
                if chunk is None:
                    return
                if chunk:
                    yield chunk
        finally:
            await loop.run_in_executor(self._executor, _close, rest)

    # --- granian's RSGI interface (what ``kg serve`` uses: fewer hand-offs than ASGI)
    def __rsgi_init__(self, loop: asyncio.AbstractEventLoop) -> None:
        """Called by granian when a worker starts; nothing to prepare."""

    def __rsgi_del__(self, loop: asyncio.AbstractEventLoop) -> None:
        """Called by granian when a worker stops."""
        self._executor.shutdown(wait=False, cancel_futures=True)

    async def __rsgi__(self, scope: Any, proto: Any) -> None:
        if scope.proto != "http":
            return
        client = scope.client.rsplit(":", 1)[0]
        if not self._claim(client):
            _rsgi_error(proto, self._too_many())
            return
        try:
            headers = scope.headers
            try:
                body = await self._read_rsgi_body(scope.method, headers, proto)
            except ApiError as refused:
                _rsgi_error(proto, refused)
                return
            except (_Gone, RuntimeError):  # RuntimeError: granian's ProtocolClosed
                return
            environ = _wsgi_environ(scope.method, scope.path, scope.query_string,
                                    _host_port(scope.server), _host_port(scope.client),
                                    scope.http_version, scope.scheme, headers.items(), body)
            if self.fast is not None:
                handled = await self.fast(environ)
                if handled is not None:
                    proto.response_bytes(*handled)
                    return
            loop = asyncio.get_running_loop()
            status, answer_headers, head, rest = await loop.run_in_executor(
                self._executor, _call_app, self.app, environ)
            if rest is None:
                proto.response_bytes(status, answer_headers, head)
                return
            transport = proto.response_stream(status, answer_headers)
            await transport.send_bytes(head)
            async for chunk in self._rest(rest):
                await transport.send_bytes(chunk)
        finally:
            self._release(client)

    async def _read_rsgi_body(self, method: str, headers: Any, proto: Any) -> bytes:
        declared = headers.get("content-length")
        if declared == "0" or (declared is None and method in BODILESS):
            return b""
        self._check_declared(declared)
        parts: list[bytes] = []
        size = 0
        try:
            async with asyncio.timeout(self.read_timeout):
                async for chunk in proto:
                    size += len(chunk)
                    if size > self.max_body:
                        raise self._too_large()
                    parts.append(chunk)
        except TimeoutError:
            raise self._timed_out() from None
        if declared is not None and size != int(declared):
            raise _Gone  # the client closed the connection before the whole body came
        return b"".join(parts)

    def _check_declared(self, declared: str | None) -> None:
        if declared is None:
            return
        if not declared.strip().isdigit():
            raise BadRequest("Content-Length is not a number")
        if int(declared) > self.max_body:
            raise self._too_large()

    def _too_large(self) -> ApiError:
        return PayloadTooLarge(f"the request body is larger than {self.max_body} bytes "
                               "(setting max_request_bytes)")

    def _timed_out(self) -> ApiError:
        return RequestTimeout(f"the request body did not arrive within "
                              f"{self.read_timeout:g} s (setting request_read_timeout)",
                              headers={"Connection": "close"})

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                self._executor.shutdown(wait=False, cancel_futures=True)
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _read_body(self, scope: Scope, receive: Receive) -> bytes:
        self._check_declared(_header(scope, b"content-length"))
        parts: list[bytes] = []
        size = 0
        try:
            async with asyncio.timeout(self.read_timeout):
                while True:
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        raise _Gone
                    chunk = message.get("body", b"")
                    size += len(chunk)
                    if size > self.max_body:
                        raise self._too_large()
                    parts.append(chunk)
                    if not message.get("more_body", False):
                        return b"".join(parts)
        except TimeoutError:
            raise self._timed_out() from None

    async def _respond(self, environ: dict[str, Any], send: Send) -> None:
        loop = asyncio.get_running_loop()
        status, headers, head, rest = await loop.run_in_executor(
            self._executor, _call_app, self.app, environ)
        await send({"type": "http.response.start", "status": status,
                    "headers": [(k.lower().encode("latin-1"), v.encode("latin-1"))
                                for k, v in headers]})
        if rest is None:
            await send({"type": "http.response.body", "body": head, "more_body": False})
            return
        await send({"type": "http.response.body", "body": head, "more_body": True})
        async for chunk in self._rest(rest):
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})


def _call_app(app: WSGIApp, environ: dict[str, Any]
              ) -> tuple[int, list[tuple[str, str]], bytes, Iterator[bytes] | None]:
    """Run the WSGI app; return its status, headers, the body's first part, the rest.

    The rest is ``None`` when the whole body is in the first part (up to
    :data:`BUFFERED_BODY` bytes); otherwise an iterator that yields the remaining
    chunks and is closed by :func:`_close`.
    """
    started: list[Any] = []

    def start_response(status: str, headers: list[tuple[str, str]],
                       exc_info: Any = None) -> Callable[[bytes], None]:
        if exc_info is not None and started:
            raise exc_info[1].with_traceback(exc_info[2])
        started[:] = [status, headers]
        return written.append

    written: list[bytes] = []
    result = app(environ, start_response)
    chunks = iter(result)
    parts = list(written)
    size = sum(map(len, parts))
    finished = False
    try:
        while size <= BUFFERED_BODY:
            chunk = next(chunks, None)
            if chunk is None:
                finished = True
                break
            parts.append(chunk)
            size += len(chunk)
    except BaseException:
        _close(_Remaining(chunks, result))
        raise
    status = int(started[0].split(" ", 1)[0])
    headers = list(started[1])
    if finished:
        _close(_Remaining(chunks, result))
        return status, headers, b"".join(parts), None
    return status, headers, b"".join(parts), _Remaining(chunks, result)


class _Remaining:
    """The rest of a WSGI response body, with the ``close`` the WSGI app asked for."""

    def __init__(self, chunks: Iterator[bytes], result: Iterable[bytes]) -> None:
        self._chunks = chunks
        self._result = result

    def __iter__(self) -> Iterator[bytes]:
        return self

    def __next__(self) -> bytes:
        return next(self._chunks)

    def close(self) -> None:
        close = getattr(self._result, "close", None)
        if close is not None:
            close()


def _close(rest: Any) -> None:
    try:
        rest.close()
    except Exception:  # noqa: BLE001 - closing a finished body must not fail a response
        log.exception("closing a response body failed")


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return bytes(value).decode("latin-1").strip()
    return None


def _environ(scope: Scope, body: bytes) -> dict[str, Any]:
    """The WSGI environ (PEP 3333) of an ASGI HTTP scope whose body has been read."""
    server = scope.get("server") or ("localhost", 80)
    headers = [(bytes(name).decode("latin-1"), bytes(value).decode("latin-1"))
               for name, value in scope.get("headers", ())]
    environ = _wsgi_environ(
        scope["method"], scope.get("path", "/"),
        bytes(scope.get("query_string", b"")).decode("latin-1"),
        (str(server[0]), str(server[1] if server[1] is not None else 80)),
        tuple(map(str, scope.get("client") or ("", 0))), scope.get("http_version", "1.1"),
        scope.get("scheme", "http"), headers, body)
    environ["SCRIPT_NAME"] = scope.get("root_path", "").encode("utf-8").decode("latin-1")
    return environ


def _host_port(address: str) -> tuple[str, str]:
    """``"127.0.0.1:80"`` as ``("127.0.0.1", "80")`` (RSGI gives addresses as text)."""
    host, _, port = address.rpartition(":")
    return host, port


def _wsgi_environ(method: str, path: str, query: str, server: Sequence[str],
                  client: Sequence[str], http_version: str, scheme: str,
                  headers: Iterable[tuple[str, str]], body: bytes) -> dict[str, Any]:
    """The WSGI environ (PEP 3333) of a request whose body has been read whole.

    ``server`` and ``client`` are (host, port); ``path`` is percent-decoded.
    """
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": path.encode("utf-8").decode("latin-1"),
        "QUERY_STRING": query,
        "SERVER_NAME": server[0],
        "SERVER_PORT": server[1],
        "SERVER_PROTOCOL": "HTTP/" + http_version,
        "REMOTE_ADDR": client[0],
        "REMOTE_PORT": client[1],
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scheme,
        "wsgi.input": BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.input_terminated": True,
    }
    for name, value in headers:
        key = name.upper().replace("-", "_")
        if key == "CONTENT_TYPE":
            environ["CONTENT_TYPE"] = value
        elif key not in ("CONTENT_LENGTH", "TRANSFER_ENCODING"):  # the body is read whole
            key = "HTTP_" + key
            environ[key] = environ[key] + "," + value if key in environ else value
    if body or method in ("POST", "PUT", "PATCH"):
        environ["CONTENT_LENGTH"] = str(len(body))
    return environ


def _rsgi_error(proto: Any, refused: ApiError) -> None:
    body = json.dumps(refused.payload()).encode()
    proto.response_bytes(refused.status, [("content-type", "application/json"),
                                          *refused.headers.items()], body)


async def _send_error(send: Send, refused: ApiError) -> None:
    body = json.dumps(refused.payload()).encode()
    headers = [(b"content-type", b"application/json"),
               (b"content-length", str(len(body)).encode())]
    headers += [(k.lower().encode("latin-1"), v.encode("latin-1"))
                for k, v in refused.headers.items()]
    await send({"type": "http.response.start", "status": refused.status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})
