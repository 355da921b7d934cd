"""Which queries may skip the query worker: look-ups of one subject.

Every query runs in the killable worker process (:mod:`server.workers`) because
pyoxigraph cannot stop a query once it has started. Handing a query to that
process and its answer back costs more CPU than evaluating the most common query
of a linked-data endpoint: all statements about one resource,
``SELECT ?p ?o WHERE { <iri> ?p ?o }``.

Such a query cannot run away. Its one triple pattern has a constant subject, so
the engine answers it with one range scan of the subject-first index: the work is
the number of statements about that subject, and the answer stops at the row cap
(``max_result_rows``) like any other. So when the server is read-only (the
default: no process writes to the store while it serves), the web process opens
the store read-only itself and answers these queries directly
(:class:`server.fastpath.QueryFastPath`), with the same job code and the same bytes
as the worker would send.

:func:`is_subject_lookup` decides from the query's tokens. It accepts exactly::

    [PREFIX p: <iri> | BASE <iri>]*
    (SELECT [DISTINCT | REDUCED] (?var+ | *) | ASK)
    [WHERE] { S P O [.] }
    [LIMIT n | OFFSET n]*

where ``S`` is an IRI or a prefixed name (not a blank node), ``P`` a variable, IRI,
prefixed name or ``a``, and ``O`` a variable, IRI, prefixed name or literal.
Anything else (a second pattern, ``FILTER``, ``OPTIONAL``, a path, ``FROM``,
``ORDER BY`` …) goes to the worker. A text that matches the shape but is not valid
SPARQL still gets the engine's syntax error, from the same job code.

>>> is_subject_lookup("SELECT ?p ?o WHERE { <https://example.org/e1> ?p ?o }")
True
>>> is_subject_lookup("PREFIX ex: <https://example.org/> ASK { ex:e1 a ex:Raid . }")
True
>>> is_subject_lookup("SELECT * WHERE { ?s ?p ?o }")
False
>>> is_subject_lookup("SELECT * { <https://example.org/e1> ?p ?o . ?o ?q ?r }")
False
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from threading import Lock

from pyoxigraph import QueryResultsFormat

from kg.graph.store import GraphStore, open_store
from server.jobs import MIN_ROW_BYTES, Answer, Job, evaluate, run_job
from server.policy import Token, keyword_of, tokenize

log = logging.getLogger(__name__)

#: Tokens a query text may have at most to be considered (a look-up is short).
MAX_TOKENS = 64


def _is_constant(token: Token) -> bool:
    """An IRI or a prefixed name (a blank node ``_:b`` is a variable in a pattern)."""
    return token.kind == "iri" or (token.kind == "name" and ":" in token.text
                                   and not token.text.startswith("_:"))


def _skip_prologue(tokens: Sequence[Token], i: int) -> int | None:
    """The index after the ``PREFIX``/``BASE`` lines starting at ``i`` (``None``: malformed)."""
    while i < len(tokens):
        word = keyword_of(tokens[i])
        if word == "PREFIX":
            if i + 2 >= len(tokens) or tokens[i + 2].kind != "iri" \
                    or not tokens[i + 1].text.endswith(":"):
                return None
            i += 3
        elif word == "BASE":
            if i + 1 >= len(tokens) or tokens[i + 1].kind != "iri":
                return None
            i += 2
        else:
            return i
    return i


def _skip_projection(tokens: Sequence[Token], i: int) -> int | None:
    """The index after ``SELECT [DISTINCT|REDUCED] vars`` or ``ASK`` (``None``: neither)."""
    word = keyword_of(tokens[i]) if i < len(tokens) else None
    if word == "ASK":
        return i + 1
    if word != "SELECT":
        return None
    i += 1
    if i < len(tokens) and keyword_of(tokens[i]) in ("DISTINCT", "REDUCED"):
        i += 1
    if i < len(tokens) and tokens[i].text == "*":
        return i + 1
    start = i
    while i < len(tokens) and tokens[i].kind == "var":
        i += 1
    return i if i > start else None


def _skip_object(tokens: Sequence[Token], i: int) -> int | None:
    """The index after the object term at ``i``: a variable, constant or literal."""
    if i >= len(tokens):
        return None
    token = tokens[i]
    if token.kind == "var" or _is_constant(token) or token.kind == "number":
        return i + 1
    if token.kind == "word" and token.text.lower() in ("true", "false"):
        return i + 1
    if token.kind != "string":
        return None
    i += 1
    # a language tag (@ then a name) or a datatype (^^ then an IRI or prefixed name)
    if i + 1 < len(tokens) and tokens[i].text == "@" and tokens[i + 1].kind == "word":
        i += 2
        while i + 1 < len(tokens) and tokens[i].text == "-" and tokens[i + 1].kind == "word":
            i += 2
        return i
    if i + 2 < len(tokens) and tokens[i].text == "^" and tokens[i + 1].text == "^" \
            and _is_constant(tokens[i + 2]):
        return i + 3
    return i


def _skip_modifiers(tokens: Sequence[Token], i: int) -> int | None:
    """The index after any ``LIMIT n`` / ``OFFSET n`` (``None``: something else follows)."""
    while i < len(tokens):
        if keyword_of(tokens[i]) not in ("LIMIT", "OFFSET") or i + 1 >= len(tokens) \
                or tokens[i + 1].kind != "number":
            return None
        i += 2
    return i


def is_subject_lookup(sparql: str) -> bool:
    """Whether ``sparql`` is one triple pattern with a constant subject (see the module doc).

    A backslash anywhere but in a prefixed name's escapes (``id:place\\/C1``) makes it
    not one: escapes are where two readings of a query can disagree, and such a query
    is left to the worker, which has no network access.

    >>> is_subject_lookup(r'SELECT * { <https://example.org/e1> ?p "\\u0022" }')
    False
    """
    tokens: list[Token] = []
    escapes = 0
    for token in tokenize(sparql):
        tokens.append(token)
        if len(tokens) > MAX_TOKENS:
            return False
        if token.kind == "name":
            escapes += token.text.count("\\")
    if escapes != sparql.count("\\"):
        return False
    i = _skip_prologue(tokens, 0)
    if i is None:
        return False
    i = _skip_projection(tokens, i)
    if i is None:
        return False
    if i < len(tokens) and keyword_of(tokens[i]) == "WHERE":
        i += 1
    if i + 3 >= len(tokens) or tokens[i].text != "{" or not _is_constant(tokens[i + 1]):
        return False
    predicate = tokens[i + 2]
    if not (predicate.kind == "var" or _is_constant(predicate) or predicate.text == "a"):
        return False
    end = _skip_object(tokens, i + 3)
    if end is None:
        return False
    if end < len(tokens) and tokens[end].text == ".":
        end += 1
    if end >= len(tokens) or tokens[end].text != "}":
        return False
    return _skip_modifiers(tokens, end + 1) == len(tokens)


class LocalReader:
    """The store opened read-only in the web process, for :func:`is_subject_lookup` queries.

    Opened on first use, so in the process that serves (after the HTTP server has
    forked it), never before. Used only while the server accepts no writes: then no
    process writes to the store, and a read-only view of it stays exact.

    Args:
        path: the store folder.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._store: GraphStore | None = None
        self._lock = Lock()
        self._failed = False

    def _open(self) -> GraphStore | None:
        if self._store is None and not self._failed:
            with self._lock:
                if self._store is None and not self._failed:
                    try:
                        self._store = open_store(self.path, read_only=True)
                    except OSError as exc:
                        self._failed = True
                        log.warning("answering every query in the worker: the store "
                                    "cannot be opened read-only here (%s)", exc)
        return self._store

    def run(self, job: Job) -> Answer | None:
        """Answer a query job here; ``None`` when the store cannot be opened (use the worker).

        A ``SELECT`` is evaluated and serialised by the engine in one go (its size is
        bounded by the statements about one subject). Anything unusual — an error, a
        body that may hold more rows than the cap — is left to :func:`run_job`, which
        words errors and cuts rows exactly as the worker does.
        """
        store = self._open()
        if store is None:
            return None
        fmt = job.get("results_format")
        if job.get("form") == "SELECT" and fmt is not None:
            try:
                body = evaluate(store, job).serialize(format=getattr(QueryResultsFormat, fmt))
            except Exception:  # noqa: BLE001 - run_job gives the worded error answer
                return run_job(store, job)
            max_rows = int(job.get("max_rows") or 0)
            if body is not None and (not max_rows or len(body) < MIN_ROW_BYTES[fmt] * max_rows):
                return {"ok": True, "form": "SELECT", "body": body, "truncated": False}
        return run_job(store, job)
