"""Training and measurement scripts for the statistical Arabic NER fallback.

Not part of the installed package: the scripts read third-party data (ANERcorp)
that is never committed; only the trained model in ``extractors/models/ner-ar`` ships.
"""
