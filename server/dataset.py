"""The dataset a query is matched against, read from its tokens.

A query's dataset is the store's (the union of all graphs as the default graph)
unless the query has ``FROM``/``FROM NAMED`` or the request lists graphs
(``default-graph-uri``/``named-graph-uri``): :func:`names_dataset` tells.

>>> names_dataset("SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }")
True
"""

from __future__ import annotations

from server.policy import keyword_of, tokenize


def names_dataset(query: str) -> bool:
    """Whether a query has ``FROM`` or ``FROM NAMED`` (its own dataset).

    >>> names_dataset("PREFIX from: <http://example.org/> SELECT ?from { ?s from:x ?from }")
    False
    """
    if "from" not in query.lower():
        return False
    return any(keyword_of(token) == "FROM" for token in tokenize(query))
