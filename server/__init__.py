"""conflict-kg server: the SPARQL endpoint, the query page and linked-data pages.

Build the app with :func:`create_app`; serve it with :func:`server.wsgi.serve`.
Queries run in a killable worker process that opens the store (see
:mod:`server.workers`). While the server accepts no writes (the default), the web
process also opens the store read-only and answers look-ups of one subject itself
(see :mod:`server.lane`).
"""

from __future__ import annotations

from server.app import create_app
from server.context import ServerState, accepts_writes, state

__all__ = ["ServerState", "accepts_writes", "create_app", "state"]
