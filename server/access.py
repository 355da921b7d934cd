"""Who may do what: bearer-token checks for writes, CORS headers for reads, size caps.

Writes (SPARQL Update, Graph Store writes, ingestion) need both the setting
``allow_updates`` and a ``write_token``; the client sends
``Authorization: Bearer <token>``. CORS headers go on read routes only, and the
pre-flight answer does not allow the ``Authorization`` header, so a web page on
another origin can read the graph but never write to it.
"""

from __future__ import annotations

import hmac

from flask import Response, request

from server.context import accepts_writes, state
from server.errors import ForbiddenOperation, PayloadTooLarge, Unauthorized

#: Headers a cross-origin reader may send.
CORS_REQUEST_HEADERS = "Accept, Content-Type"


def require_writer() -> None:
    """Check that writes are on and the request carries the write token.

    Raises:
        ForbiddenOperation: writes are switched off on this server.
        Unauthorized: the bearer token is missing or wrong.
    """
    settings = state().settings
    if not accepts_writes(settings):
        raise ForbiddenOperation(
            "this server is read-only",
            hint="the operator can enable writes with the settings allow_updates and "
                 "write_token")
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("writes need an 'Authorization: Bearer <token>' header")
    if not hmac.compare_digest(token.strip().encode(), settings.write_token.encode()):
        raise Unauthorized("the bearer token is not valid for this server")


def add_cors(response: Response, methods: str = "GET, POST, OPTIONS") -> Response:
    """Add CORS headers to a read response (when the ``cors`` setting is on)."""
    if state().settings.cors:
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Expose-Headers"] = \
            "Content-Type, Content-Disposition, KG-Truncated"
        if request.method == "OPTIONS":
            response.headers["Access-Control-Allow-Methods"] = methods
            response.headers["Access-Control-Allow-Headers"] = CORS_REQUEST_HEADERS
            response.headers["Access-Control-Max-Age"] = "600"
    return response


def check_query_string() -> None:
    """Refuse a query string over ``max_request_bytes``.

    Raises:
        PayloadTooLarge: the query string is too long.
    """
    limit = state().settings.max_request_bytes
    if len(request.query_string) > limit:
        raise PayloadTooLarge(f"the query string is over the limit of {limit:,} bytes "
                              "(setting max_request_bytes)")


def read_body() -> bytes:
    """The request body, refused when over ``max_request_bytes``.

    Raises:
        PayloadTooLarge: the body is too large.
    """
    limit = state().settings.max_request_bytes
    if request.content_length is not None and request.content_length > limit:
        raise PayloadTooLarge(f"the request body is over the limit of {limit:,} bytes "
                              "(setting max_request_bytes)")
    data = request.get_data(cache=True)
    if len(data) > limit:
        raise PayloadTooLarge(f"the request body is over the limit of {limit:,} bytes "
                              "(setting max_request_bytes)")
    return data
