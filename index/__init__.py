"""quotebot's retrieval core: documents, passages, tokens, BM25 ranking, persistence.

Nothing here imports discord: the command line and the bot both build on it.
"""
