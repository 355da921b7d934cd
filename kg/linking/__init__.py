"""Entity resolution: mentions to knowledge-base entities.

``link`` (resolution against the shipped KB), ``kb`` (the gazetteer and authority
resource, its build script and its RDF) and ``wikidata`` (the opt-in online client).
"""
