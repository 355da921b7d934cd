"""A report becoming quads, and the store they live in.

``build`` (Report → quads, pure), ``store`` (the only pyoxigraph.Store user), ``query``
(results and statistics over a store) and ``describe`` (an entity's statements).
"""
