"""E-mail alerts: anyone may subscribe an address to a search and get the articles that newly match it.

Subscriptions live in one SQLite file in the data dir (store), confirmed by double opt-in (subscribe); after
each index job the digests go out (digest, mail). It reads the index through indexer.backend/indexer.engine
and imports nothing of webapp or tracuu.
"""
