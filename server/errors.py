"""One error shape for the whole server.

Every error response is JSON (or, for a browser asking for HTML, a small page built
from the same fields)::

    {"error": {"status": 400, "code": "query_syntax", "message": "...", "hint": "..."}}

Only :class:`ApiError` messages reach clients; anything else becomes a plain 500
whose text says nothing about the inside of the server.

>>> QuerySyntaxError("line 1, column 3: expected '{'").payload()["error"]["code"]
'query_syntax'
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class ApiError(Exception):
    """An error whose message is safe to show to a client."""

    status: int = 400
    code: str = "bad_request"

    def __init__(self, message: str, *, hint: str | None = None,
                 headers: dict[str, str] | None = None, status: int | None = None,
                 code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status or type(self).status
        self.code = code or type(self).code
        self.hint = hint
        self.headers = headers or {}

    def payload(self) -> dict[str, Any]:
        """The JSON body of the response."""
        body: dict[str, Any] = {"status": self.status, "code": self.code,
                                "message": self.message}
        if self.hint:
            body["hint"] = self.hint
        return {"error": body}


class BadRequest(ApiError):
    """The request is malformed (missing or repeated parameters, bad values)."""


class QuerySyntaxError(ApiError):
    """The query or update is not valid SPARQL; the message says where."""

    code = "query_syntax"


class NotAcceptable(ApiError):
    """No representation the client accepts can be produced."""

    status = 406
    code = "not_acceptable"


class UnsupportedMediaType(ApiError):
    """The request body has a media type the route does not take."""

    status = 415
    code = "unsupported_media_type"


class Unauthorized(ApiError):
    """A write came without the right bearer token."""

    status = 401
    code = "unauthorized"

    def __init__(self, message: str, **kwargs: Any) -> None:
        kwargs.setdefault("headers", {"WWW-Authenticate": 'Bearer realm="conflict-kg"'})
        super().__init__(message, **kwargs)


class ForbiddenOperation(ApiError):
    """The request asks for something this server does not do (LOAD, SERVICE, writes)."""

    status = 403
    code = "forbidden"


class NotFound(ApiError):
    """Nothing is known about the requested resource."""

    status = 404
    code = "not_found"


class MethodNotAllowed(ApiError):
    """The route exists but not for this HTTP method."""

    status = 405
    code = "method_not_allowed"


class PayloadTooLarge(ApiError):
    """The request body or query string is over ``max_request_bytes``."""

    status = 413
    code = "too_large"


class RequestTimeout(ApiError):
    """The request body did not arrive within ``request_read_timeout``."""

    status = 408
    code = "request_timeout"


class TooManyRequests(ApiError):
    """One client has ``max_client_requests`` requests (or its share of query slots) in use."""

    status = 429
    code = "too_many_requests"


class QueryTimeout(ApiError):
    """The query ran longer than ``query_timeout`` and was stopped."""

    status = 503
    code = "timeout"


class Busy(ApiError):
    """All query slots stayed busy for too long (``max_concurrent_queries``)."""

    status = 503
    code = "busy"


class Interrupted(ApiError):
    """The query worker was restarted while this request ran; it can be retried."""

    status = 503
    code = "interrupted"


#: HTTP errors raised by Flask/Werkzeug itself, mapped to our types.
_HTTP_ERRORS: dict[int, type[ApiError]] = {
    400: BadRequest,
    404: NotFound,
    405: MethodNotAllowed,
    406: NotAcceptable,
    413: PayloadTooLarge,
    415: UnsupportedMediaType,
}


def _wants_html() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "text/html" and request.accept_mimetypes["text/html"] > \
        request.accept_mimetypes["application/json"]


def error_response(error: ApiError) -> Response:
    """The response for ``error``: JSON, or an HTML page for browsers."""
    if _wants_html():
        response = Response(render_template("error.html", error=error.payload()["error"]),
                            status=error.status, mimetype="text/html")
    else:
        response = jsonify(error.payload())
        response.status_code = error.status
    response.headers.update(error.headers)
    return response


def register_error_handlers(app: Flask) -> None:
    """Make every error the app raises answer in the one shape."""

    @app.errorhandler(ApiError)
    def _api_error(error: ApiError) -> Response:
        return error_response(error)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> Response:
        status = error.code or 500
        kind = _HTTP_ERRORS.get(status)
        if kind is None:
            api: ApiError = ApiError(error.description or "request failed", status=status,
                                     code=error.name.lower().replace(" ", "_"))
        else:
            api = kind(error.description or error.name)
        if status == 405 and hasattr(error, "valid_methods") and error.valid_methods:
            api.headers["Allow"] = ", ".join(error.valid_methods)
        return error_response(api)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.path)
        api = ApiError("the server failed to answer this request; the operator's log "
                       "has the details", status=500, code="internal")
        return error_response(api)
