"""conflict-kg: turn conflict reporting into a knowledge graph.

The ``kg`` package holds the data model, IRI minting, the store, RDF building,
settings and the command-line interface.
"""

__version__ = "0.1.0"
