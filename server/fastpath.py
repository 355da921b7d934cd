"""The common query request, answered without Flask's request and response objects.

``GET /sparql?query=…`` with nothing else in the query string is by far the most
frequent request an endpoint gets, and for a small result Flask's per-request
machinery (request context, URL routing, the request and response objects) costs
more CPU than the query itself. :class:`QueryFastPath` wraps the app's WSGI
callable and answers exactly that request directly:

* the same checks as the Flask route (:func:`server.sparql.plan_query`: policy on
  the parsed tokens, dataset, content negotiation; size cap on the query string),
* the same job, answered as the route answers it (:func:`server.sparql.answer_query`:
  the worker pool, so the time limit, concurrency cap and row cap hold unchanged;
  or, for a one-subject look-up on a read-only server, this process),
* the worker's serialised bytes passed to the HTTP server untouched, with the
  headers the route sends (``Content-Type``, ``Vary``, CORS, ``KG-Truncated``).

Every other request — other parameters (``format=``, ``download=``, graphs),
other methods or paths — goes to Flask unchanged. Errors are rendered by
:func:`server.errors.error_response` inside a Flask request context, so they have
the one error shape (JSON, or HTML for browsers).

>>> QueryFastPath.__name__
'QueryFastPath'
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import unquote_plus

from flask import Flask
from werkzeug.wsgi import get_current_url

from server.errors import ApiError, error_response
from server.sparql import (
    QueryPlan,
    answer_parts,
    answer_query,
    answer_query_async,
    endpoint_base,
    plan_query,
)
from server.workers import serving_client

log = logging.getLogger(__name__)

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

#: The dataset parameters of a query request: none given (the union default graph).
NO_GRAPHS: dict[str, list[str]] = {"default-graph-uri": [], "named-graph-uri": [],
                                   "using-graph-uri": [], "using-named-graph-uri": []}

#: CORS headers of a read answer (as :func:`server.access.add_cors` sets them).
CORS_HEADERS = (("Access-Control-Allow-Origin", "*"),
                ("Access-Control-Expose-Headers",
                 "Content-Type, Content-Disposition, KG-Truncated"))


class QueryFastPath:
    """WSGI middleware answering ``GET /sparql?query=…`` without Flask's request objects.

    Args:
        app: the Flask app (its :class:`server.ServerState` and error rendering).
        inner: the WSGI callable every other request goes to (``app.wsgi_app``).
    """

    def __init__(self, app: Flask, inner: WSGIApp) -> None:
        self.app = app
        self.inner = inner
        self.state = app.extensions["kg"]
        #: base IRI by the request's scheme, host and path (one or two entries in practice)
        self._bases: dict[tuple[Any, ...], str | None] = {}

    def _base(self, environ: dict[str, Any]) -> str | None:
        """The request's base IRI (:func:`server.sparql.endpoint_base`), remembered."""
        key = (environ.get("wsgi.url_scheme"), environ.get("HTTP_HOST"),
               environ.get("SERVER_NAME"), environ.get("SERVER_PORT"),
               environ.get("SCRIPT_NAME"), environ.get("PATH_INFO"))
        if key not in self._bases:
            if len(self._bases) >= 64:
                self._bases.clear()
            self._bases[key] = endpoint_base(
                self.state.settings.base_url, environ["PATH_INFO"],
                get_current_url(environ, strip_querystring=True))
        return self._bases[key]

    def _query_text(self, environ: dict[str, Any]) -> str | None:
        """The query text when the request is a plain ``GET ?query=``; ``None`` otherwise."""
        if environ.get("REQUEST_METHOD") != "GET" or environ.get("PATH_INFO") != "/sparql":
            return None
        raw = environ.get("QUERY_STRING", "")
        if not raw.startswith("query=") or "&" in raw \
                or len(raw) > self.state.settings.max_request_bytes:
            return None
        # one parameter, decoded exactly as werkzeug decodes ``request.args`` (its error
        # handler is only needed, and only slower, for bytes that are not UTF-8)
        try:
            return unquote_plus(raw[6:], errors="strict")
        except UnicodeDecodeError:
            return unquote_plus(raw[6:].encode("latin1").decode(),
                                errors="werkzeug.url_quote")

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """Answer a plain query request here; hand anything else to Flask.

        Either way, the request's jobs count against its client's share of the query
        slots (:func:`server.workers.serving_client`).
        """
        with serving_client(environ.get("REMOTE_ADDR")):
            return self._answer(environ, start_response)

    def _answer(self, environ: dict[str, Any], start_response: StartResponse
                ) -> Iterable[bytes]:
        text = self._query_text(environ)
        if text is None:
            return self.inner(environ, start_response)
        try:
            plan = self._plan(environ, text)
            answer = answer_query(self.state, plan)
        except ApiError as error:
            return self._error(environ, start_response, error)
        except Exception:  # noqa: BLE001 - the same 500 as the Flask route gives
            log.exception("unexpected error on GET /sparql")
            return self._error(environ, start_response, _internal())
        headers, body = self._answered(plan, answer)
        start_response("200 OK", headers)
        return [body]

    def _plan(self, environ: dict[str, Any], text: str) -> QueryPlan:
        return plan_query(text, NO_GRAPHS, settings=self.state.settings,
                          accept=environ.get("HTTP_ACCEPT"), override=None,
                          base_iri=self._base(environ))

    def _answered(self, plan: QueryPlan, answer: dict[str, Any]
                  ) -> tuple[list[tuple[str, str]], bytes]:
        """The headers and body of a ``200`` answer, as the Flask route sends them."""
        settings = self.state.settings
        body, fmt, extra = answer_parts(plan, answer, settings)
        headers = [("Content-Type", fmt.content_type), ("Content-Length", str(len(body))),
                   ("Vary", "Accept"), *extra.items()]
        if settings.cors:
            headers.extend(CORS_HEADERS)
        return headers, body

    async def answer_async(self, environ: dict[str, Any]
                           ) -> tuple[int, list[tuple[str, str]], bytes] | None:
        """The answer :meth:`__call__` gives, made on an event loop without a thread.

        For :class:`server.gateway.Gateway`: a plain query request is planned here and
        its job awaited (:func:`server.sparql.answer_query_async`); the status,
        headers and body are returned. ``None``: not a plain query request (the
        gateway hands it to the WSGI app on a thread).
        """
        text = self._query_text(environ)
        if text is None:
            return None
        try:
            plan = self._plan(environ, text)
            answer = await answer_query_async(self.state, plan, environ.get("REMOTE_ADDR"))
        except ApiError as error:
            return self._error_parts(environ, error)
        except Exception:  # noqa: BLE001 - the same 500 as the Flask route gives
            log.exception("unexpected error on GET /sparql")
            return self._error_parts(environ, _internal())
        headers, body = self._answered(plan, answer)
        return 200, headers, body

    def _error_parts(self, environ: dict[str, Any], error: ApiError
                     ) -> tuple[int, list[tuple[str, str]], bytes]:
        started: list[Any] = []
        body = b"".join(self._error(environ, lambda status, headers, *_: started.extend(
            (status, headers)), error))
        return int(started[0].split(" ", 1)[0]), list(started[1]), body

    def _error(self, environ: dict[str, Any], start_response: StartResponse,
               error: ApiError) -> Iterable[bytes]:
        """The one error shape, rendered by the app as its error handlers would."""
        with self.app.request_context(environ):
            response = error_response(error)
        return response(environ, start_response)  # type: ignore[no-any-return]


def _internal() -> ApiError:
    return ApiError("the server failed to answer this request; the operator's log has the "
                    "details", status=500, code="internal")


def install(app: Flask) -> None:
    """Put :class:`QueryFastPath` in front of ``app``'s WSGI callable."""
    app.wsgi_app = QueryFastPath(app, app.wsgi_app)  # type: ignore[method-assign]
