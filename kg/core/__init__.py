"""The ground floor: the nouns every package of the project uses.

``model`` (the typed report), ``iris`` (deterministic IRI minting), ``settings`` (the one
settings table) and ``text`` (Arabic/English normalisation with offset maps). Nothing in
here imports any other part of the project.
"""
