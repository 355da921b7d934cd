"""Old module paths of the 0.1 layout, kept working for one release (see CHANGELOG.md).

Each old module (``kg.store``, ``kg.ingest`` …) is a two-line stub whose attribute
look-ups are forwarded here, with a :class:`DeprecationWarning` naming the new place.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable
from typing import Any


def forward(old: str, new: str) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``old`` that reads every name from ``new``.

    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     from kg.store import open_store
    >>> open_store.__module__, caught[0].category.__name__
    ('kg.graph.store', 'DeprecationWarning')
    """

    def __getattr__(name: str) -> Any:
        module = importlib.import_module(new)
        if name.startswith("__") or not hasattr(module, name):
            raise AttributeError(f"module {old!r} has no attribute {name!r}")
        warnings.warn(f"{old} moved to {new}; import {name} from there "
                      "(the old path goes in the next release)", DeprecationWarning,
                      stacklevel=2)
        return getattr(module, name)

    return __getattr__
