"""The indexer's errors: analysis and every back end raise these, so the CLI and the web app handle them once."""

from __future__ import annotations


class IndexerError(Exception):
    """Base of the indexer's errors; the message says what to do next."""


class IndexMissingError(IndexerError):
    """No index has been built yet."""


class IndexLockedError(IndexerError):
    """Another index job holds the writer lock."""


class IndexUnsafeError(IndexerError):
    """The index could have been written by someone else and is not opened."""


class IndexFormatError(IndexerError):
    """The index was written in a form this tracuu cannot read; a rebuild makes a readable one."""
