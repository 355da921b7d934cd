"""What a SPARQL request may do, decided on its tokens before the engine sees it.

pyoxigraph makes HTTP requests for ``SERVICE`` (federated queries) and ``LOAD``
from Rust code that no Python hook sees, so both are refused here, on the parsed
token stream, before a query or update reaches the store: ``LOAD`` always,
``SERVICE`` unless its endpoint is on the operator's allow-list.

The tokenizer follows the SPARQL 1.1 grammar's terminals: a keyword inside a
string, a comment, an IRI, a variable or a prefixed name is not a keyword, and
keywords are matched without regard to case.

>>> check_request("SELECT * WHERE { ?s ?p 'SERVICE <http://x/> {}' }", allowed=())
'SELECT'
>>> check_request("select * { service <http://x/sparql> { ?s ?p ?o } }", allowed=())
Traceback (most recent call last):
...
server.errors.ForbiddenOperation: SERVICE <http://x/sparql> is not allowed on this server ...
>>> check_request("PREFIX w: <http://x/> SELECT * { SERVICE w:sparql { ?s ?p ?o } }",
...               allowed=("http://x/sparql",))
'SELECT'
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urljoin

from server.errors import ForbiddenOperation

#: Characters a prefixed name may have after its first (PN_CHARS, the grammar's '.').
_PN = r"\w\-\u00B7\u0300-\u036F\u203F-\u2040"

#: Terminals, tried in order at each position. Names mirror the SPARQL grammar.
#: The engine decodes ``\\uXXXX`` escapes inside IRIs and strings only, so those
#: are the places they are accepted here. A *word* (a keyword, ``a``, ``true``) has
#: only letters, digits and ``_``: ``true.SERVICE`` is ``true`` ``.`` ``SERVICE``,
#: as the engine reads it. A *name* is a prefixed name and always has a colon.
_TOKEN = re.compile(
    r"""
      (?P<ws>\s+)
    | (?P<comment>\#[^\r\n]*)
    | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''
               |\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               |'(?:[^'\\\r\n]|\\.)*'
               |"(?:[^"\\\r\n]|\\.)*")
    | (?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)
    | (?P<var>[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]+)
    | (?P<number>[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)
    | (?P<name>(?:[^\W\d_][PN.]*)?:
              (?:[PN.:%]|\\[_~.\-!$&'()*+,;=/?\#@%])*)
    | (?P<word>[^\W\d][\w]*)
    | (?P<punct>.)
    """.replace("PN", _PN),
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True, slots=True)
class Token:
    """One terminal of a SPARQL request."""

    kind: str
    text: str
    offset: int


def tokenize(sparql: str) -> Iterator[Token]:
    """The SPARQL terminals of ``sparql``, without whitespace and comments.

    >>> [t.text for t in tokenize("ASK { ?s ex:service 'LOAD' } # SERVICE")]
    ['ASK', '{', '?s', 'ex:service', "'LOAD'", '}']
    """
    for match in _TOKEN.finditer(sparql):
        kind = match.lastgroup or "punct"
        if kind in ("ws", "comment"):
            continue
        text = match.group()
        if kind == "name" and text.endswith("."):
            # a name never ends with '.': the dot ends the triple pattern
            stripped = text.rstrip(".")
            yield Token(kind, stripped, match.start())
            for i in range(len(text) - len(stripped)):
                yield Token("punct", ".", match.start() + len(stripped) + i)
            continue
        yield Token(kind, text, match.start())


def keyword_of(token: Token) -> str | None:
    """The upper-cased keyword a token is, or ``None`` (prefixed names are not keywords)."""
    if token.kind == "word":
        return token.text.upper()
    return None


def _resolve(token: Token, prefixes: Mapping[str, str], base: str | None) -> str | None:
    """The absolute IRI an IRI or prefixed-name token stands for, or ``None``."""
    if token.kind == "iri":
        iri = token.text[1:-1]
        return urljoin(base, iri) if base else iri
    if token.kind == "name" and ":" in token.text:
        prefix, _, local = token.text.partition(":")
        namespace = prefixes.get(prefix)
        if namespace is None:
            return None
        return namespace + re.sub(r"\\(.)", r"\1", local)
    return None


QUERY_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})
UPDATE_WORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY",
                          "MOVE", "ADD", "WITH"})


def check_request(
    sparql: str,
    *,
    allowed: Sequence[str],
    prefixes: Mapping[str, str] | None = None,
) -> str | None:
    """Refuse a query or update that would make the engine reach out to the network.

    Args:
        sparql: the query or update text.
        allowed: endpoint IRIs ``SERVICE`` may call.
        prefixes: prefixes declared for the request before its own ``PREFIX`` lines.

    Returns:
        The first operation keyword: ``SELECT``, ``ASK``, ``CONSTRUCT``, ``DESCRIBE``, an
        update keyword such as ``INSERT``, or ``None`` (found in the same pass).

    Raises:
        ForbiddenOperation: the request uses ``LOAD``, or ``SERVICE`` with an endpoint
            that is a variable or not in ``allowed``.
    """
    lowered = sparql.lower()
    if "service" not in lowered and "load" not in lowered:
        # No SERVICE or LOAD keyword can be in a text without those letters (keywords
        # are ASCII, matched in any case), so only the operation is left to find.
        return _operation(sparql)
    declared = dict(prefixes or {})
    base: str | None = None
    operation: str | None = None
    tokens = list(tokenize(sparql))
    for i, token in enumerate(tokens):
        keyword = keyword_of(token)
        if keyword is None:
            continue
        if operation is None and (keyword in QUERY_FORMS or keyword in UPDATE_WORDS):
            operation = keyword
        following = tokens[i + 1 : i + 4]
        if keyword == "PREFIX" and len(following) >= 2 and following[1].kind == "iri":
            declared[following[0].text.rstrip(":")] = following[1].text[1:-1]
        elif keyword == "BASE" and following and following[0].kind == "iri":
            base = following[0].text[1:-1]
        elif keyword == "LOAD":
            raise ForbiddenOperation("LOAD is not allowed on this server: it would fetch a "
                                     "remote document. Upload data with the Graph Store "
                                     "Protocol or `kg ingest` instead.")
        elif keyword == "SERVICE":
            target = following[1] if following and keyword_of(following[0]) == "SILENT" \
                else (following[0] if following else None)
            endpoint = None if target is None else _resolve(target, declared, base)
            if endpoint is None or endpoint not in allowed:
                shown = f"<{endpoint}>" if endpoint else (target.text if target else "")
                hint = ("allowed: " + ", ".join(f"<{a}>" for a in allowed)) if allowed \
                    else "federated queries are off (setting allowed_service_endpoints)"
                raise ForbiddenOperation(
                    f"SERVICE {shown} is not allowed on this server ({hint})")
    return operation


def _operation(sparql: str) -> str | None:
    """The first query-form or update keyword of ``sparql``, if any.

    >>> _operation("PREFIX insert: <http://x/> ask { ?s insert:a ?o }")
    'ASK'
    """
    for token in tokenize(sparql):
        keyword = keyword_of(token)
        if keyword in QUERY_FORMS or keyword in UPDATE_WORDS:
            return keyword
    return None


def is_update(sparql: str) -> bool:
    """Whether ``sparql`` is an update rather than a query (judged by its first keyword).

    >>> is_update("PREFIX x: <http://x/> INSERT DATA { x:a x:b x:c }")
    True
    >>> is_update("# INSERT\\nSELECT * {}")
    False
    """
    for token in tokenize(sparql):
        keyword = keyword_of(token)
        if keyword in UPDATE_WORDS:
            return True
        if keyword in QUERY_FORMS:
            return False
    return False


def query_form(sparql: str) -> str | None:
    """``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``: the form of a query, if it has one.

    >>> query_form("PREFIX s: <http://x/select#> construct { ?s s:ask ?o } WHERE { ?s ?p ?o }")
    'CONSTRUCT'
    """
    for token in tokenize(sparql):
        keyword = keyword_of(token)
        if keyword in QUERY_FORMS:
            return keyword
    return None
