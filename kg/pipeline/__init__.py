"""Running reports through the whole chain: read, extract, link, build, store.

``nlp`` (the extraction pipeline with the knowledge base's names), ``ingest`` (files and
folders into a store), ``remote`` (reports sent to a server), ``scoring`` (comparing
predictions with gold, pure) and ``evaluation`` (running gold reports through the chain
and scoring them).
"""
