"""The dataset a query or update is matched against, read from its tokens.

A query's dataset is the store's (the union of all graphs as the default graph)
unless the query has ``FROM``/``FROM NAMED`` or the request lists graphs
(``default-graph-uri``/``named-graph-uri``): :func:`names_dataset` tells.

An update's ``WHERE`` is matched against the store's own default graph, not the
union: the engine takes no dataset for updates, and what a template without
``GRAPH`` would then mean (``DELETE`` would remove statements from a default graph
that holds none of the reports) makes the union a trap. So in the operations of an
update that name no graphs (no ``WITH``, ``USING``, ``USING NAMED`` or
``using-graph-uri``/``using-named-graph-uri``), a triple pattern outside ``GRAPH``
in ``WHERE`` or in a ``DELETE`` template is refused (:func:`check_update`) instead
of silently matching nothing. ``using-graph-uri`` and ``using-named-graph-uri``
become ``USING`` and ``USING NAMED`` clauses of every ``DELETE``/``INSERT … WHERE``
(:func:`with_using`).

>>> names_dataset("SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }")
True
>>> with_using("DELETE WHERE { ?s <urn:x:p> ?o }", ["urn:x:g"], [])
'DELETE { ?s <urn:x:p> ?o } USING <urn:x:g> WHERE { ?s <urn:x:p> ?o }'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from server.errors import BadRequest
from server.policy import Token, keyword_of, tokenize

OPEN = "{(["
CLOSE = "})]"


def names_dataset(query: str) -> bool:
    """Whether a query has ``FROM`` or ``FROM NAMED`` (its own dataset).

    >>> names_dataset("PREFIX from: <http://example.org/> SELECT ?from { ?s from:x ?from }")
    False
    """
    if "from" not in query.lower():
        return False
    return any(keyword_of(token) == "FROM" for token in tokenize(query))


@dataclass
class Operation:
    """One operation of an update request (``INSERT DATA``, ``DELETE … WHERE``, ``CLEAR`` …)."""

    #: its first keyword after the prologue (``WITH``, ``INSERT``, ``DELETE``, ``CLEAR`` …)
    keyword: str | None = None
    #: ``DELETE WHERE { … }``
    delete_where: bool = False
    #: ``INSERT DATA`` or ``DELETE DATA``
    data: bool = False
    #: the keywords ``WITH``, ``USING`` (also for ``USING NAMED``) it has
    clauses: set[str] = field(default_factory=set)
    #: the ``WHERE`` keyword of ``DELETE``/``INSERT … WHERE`` or ``DELETE WHERE``
    where: Token | None = None
    #: token index ranges ``[start, end)`` of its top-level groups, by the keyword before them
    groups: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def matches(self) -> bool:
        """Whether it matches a pattern against the store (``DELETE``/``INSERT … WHERE``)."""
        return self.where is not None


def operations(tokens: Sequence[Token]) -> list[Operation]:
    """The operations of an update, found on its top-level tokens."""
    found = [Operation()]
    depth = 0
    last_keyword: str | None = None
    for i, token in enumerate(tokens):
        op = found[-1]
        if token.text in OPEN:
            if depth == 0 and token.text == "{" and last_keyword is not None:
                op.groups.setdefault(last_keyword, (i, _closing(tokens, i)))
            depth += 1
            continue
        if token.text in CLOSE:
            depth = max(depth - 1, 0)
            continue
        if depth:
            continue
        if token.text == ";":
            found.append(Operation())
            last_keyword = None
            continue
        word = keyword_of(token)
        if word is None or word in ("PREFIX", "BASE"):
            continue
        if op.keyword is None:
            op.keyword = word
        if word in ("WITH", "USING"):
            op.clauses.add(word)
        elif word == "DATA":
            op.data = True
        elif word == "WHERE":
            op.where = token
            op.delete_where = i > 0 and keyword_of(tokens[i - 1]) == "DELETE"
        if word in ("DELETE", "INSERT", "WHERE"):
            last_keyword = "DELETE" if op.delete_where else word
    return [op for op in found if op.keyword is not None]


def _closing(tokens: Sequence[Token], start: int) -> int:
    """The index after the bracket that closes the one at ``start``."""
    depth = 0
    for i in range(start, len(tokens)):
        if tokens[i].text in OPEN:
            depth += 1
        elif tokens[i].text in CLOSE:
            depth -= 1
            if depth == 0:
                return i + 1
    return len(tokens)


def with_using(update: str, using: Sequence[str], using_named: Sequence[str]) -> str:
    """The update with ``USING``/``USING NAMED`` clauses for the protocol's graph lists.

    Each ``DELETE``/``INSERT … WHERE`` gets them before its ``WHERE``; ``DELETE WHERE
    { P }``, which takes no ``USING``, is written as ``DELETE { P } USING … WHERE { P }``.
    The IRIs must be checked already (:func:`server.sparql.graph_iris`).

    Raises:
        BadRequest: an operation names its graphs itself (``USING``, ``USING NAMED`` or
            ``WITH``): the protocol makes that an error.
    """
    if not using and not using_named:
        return update
    tokens = list(tokenize(update))
    clauses = " ".join([f"USING <{iri}>" for iri in using]
                       + [f"USING NAMED <{iri}>" for iri in using_named])
    edits: list[tuple[int, str]] = []
    for op in operations(tokens):
        if op.clauses:
            raise BadRequest(
                "using-graph-uri and using-named-graph-uri cannot be combined with "
                f"{' or '.join(sorted(op.clauses))} in the update",
                hint="name the graphs in one place: the parameters or the update text")
        if op.where is None:
            continue
        if op.delete_where and "DELETE" in op.groups:
            start, end = op.groups["DELETE"]
            pattern = update[tokens[start].offset:tokens[end - 1].offset + 1]
            edits.append((op.where.offset, f"{pattern} {clauses} "))
        else:
            edits.append((op.where.offset, f"{clauses} "))
    for offset, text in reversed(edits):
        update = update[:offset] + text + update[offset:]
    return update


def check_update(update: str) -> None:
    """Refuse patterns that would silently match or delete nothing in an update.

    Raises:
        BadRequest: an operation that names no graphs has a triple pattern outside
            ``GRAPH`` in its ``WHERE``, or one that has no ``WITH`` has a ``DELETE``
            template outside ``GRAPH`` (see the module's documentation).
    """
    if "where" not in update.lower():
        return  # no DELETE/INSERT … WHERE (a bulk INSERT DATA is not tokenized again)
    tokens = list(tokenize(update))
    for op in operations(tokens):
        if not op.matches:
            continue
        if not op.clauses and "WHERE" in op.groups:
            loose = loose_triple(tokens, *op.groups["WHERE"])
            if loose is not None:
                raise BadRequest(
                    f"the update's WHERE has a pattern outside GRAPH ({_where(update, loose)}"
                    "): an update matches it against the store's own default graph, which "
                    "holds no reports (each report is a named graph; queries see their "
                    "union, updates do not)",
                    hint="wrap the pattern in GRAPH ?g { … } (the DELETE template too), "
                         "or name the graphs with WITH, USING or using-graph-uri",
                    code="pattern_outside_graph")
        if "WITH" not in op.clauses and "DELETE" in op.groups:
            loose = loose_triple(tokens, *op.groups["DELETE"])
            if loose is not None:
                raise BadRequest(
                    f"the update deletes a pattern outside GRAPH ({_where(update, loose)}): "
                    "it would delete from the store's own default graph, which holds no "
                    "reports, and so delete nothing from them",
                    hint="write DELETE { GRAPH ?g { … } } WHERE { GRAPH ?g { … } }, or "
                         "WITH <graph> before DELETE",
                    code="pattern_outside_graph")


def _where(text: str, token: Token) -> str:
    """``line L, column C: <token>`` for an error message."""
    line = text.count("\n", 0, token.offset) + 1
    column = token.offset - (text.rfind("\n", 0, token.offset) + 1) + 1
    return f"line {line}, column {column}: {token.text[:40]}"


def loose_triple(tokens: Sequence[Token], start: int, end: int) -> Token | None:
    """The first token of a triple pattern outside ``GRAPH`` in the group ``tokens[start:end]``.

    Patterns inside ``GRAPH x { … }`` (and ``SERVICE``) are not loose; those in
    ``OPTIONAL``, ``MINUS``, ``UNION``, ``EXISTS`` and sub-queries are. Expressions
    (``FILTER``, ``BIND``, projections, modifiers) and ``VALUES`` data are no patterns.

    >>> sparql = "{ GRAPH ?g { ?s ?p ?o } FILTER(?o > 1) OPTIONAL { ?s a ?t } }"
    >>> tokens = list(tokenize(sparql))
    >>> loose_triple(tokens, 0, len(tokens)).text
    '?s'
    """
    # each open bracket: (what it holds, whether it is inside GRAPH)
    stack: list[tuple[str, bool]] = []
    pending: str | None = None
    skip = 0
    for i in range(start, end):
        token = tokens[i]
        kind, in_graph = stack[-1] if stack else ("group", False)
        if token.text == "{":
            opened = pending or ("group" if kind in ("group", "expr", "subquery") else kind)
            stack.append((opened, in_graph or opened == "graph"))
            pending = None
            continue
        if token.text in "([":
            if token.text == "[" and kind == "group" and not in_graph:
                return token  # a blank node with properties is a triple pattern
            stack.append(("expr" if token.text == "(" else kind, in_graph))
            continue
        if token.text in CLOSE:
            if stack:
                stack.pop()
            continue
        if skip:
            skip -= 1
            continue
        if kind != "group" or in_graph:
            continue
        word = keyword_of(token)
        if word in ("GRAPH", "SERVICE"):
            pending = "graph"
            skip = 2 if i + 1 < end and keyword_of(tokens[i + 1]) == "SILENT" else 1
        elif word == "VALUES":
            pending = "values"
            skip = 1 if i + 1 < end and tokens[i + 1].kind == "var" else 0
        elif word == "FILTER":
            # a function call without brackets around it: its name is no pattern
            skip = 0 if i + 1 < end and tokens[i + 1].text == "(" else 1
        elif word == "SELECT":
            stack[-1:] = [("subquery", in_graph)]
        elif token.kind in ("var", "iri", "string", "number") or (
                token.kind == "name" and ":" in token.text):
            return token
    return None
