"""Cache of segmented words keyed by content hash and analysis version.

Segmentation costs far more than Whoosh's own writing, so an unchanged article is never segmented
twice: rebuilds and re-imports read its words from here. Only the words are kept: the other fields
(syllables, folds, codes) are recomputed from the article in ~5% of segmentation's time, and storing
them made the cache ~5x bigger (766 MB at 100 000 articles) and every cache hit a JSON decode.

Keys hold the analysis version and the installed underthesea and underthesea_core versions: after an
upgrade nothing segmented by the previous model or featurizer is mixed into a new index; those entries
are no longer found, and are deleted when the cache is opened (the index job opens it under its lock).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

from indexer.analysis.text import ANALYSIS_VERSION

SEGMENTERS = ("underthesea", "underthesea_core")  # the distributions whose code and model make the words


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "none"


def segmenter_versions() -> str:
    """The installed versions of what segments, "9.5.0+3.3.2" ("none" for one that is absent)."""
    return "+".join(map(_version, SEGMENTERS))


class SegmentCache:
    """A small SQLite key-value file beside the archive; losing it only costs time.

    `versions`: the segmenter versions the entries are for, by default the installed ones.
    """

    def __init__(self, path: Path, versions: str | None = None) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(path, timeout=30)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=OFF")  # a lost cache entry is recomputed, never wrong
        self.conn.execute("CREATE TABLE IF NOT EXISTS tokens (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        # "w": an entry holds segmented words only
        self.prefix = f"a{ANALYSIS_VERSION}w:{versions or segmenter_versions()}:"
        self._prune()

    def _prune(self) -> None:
        """Delete the entries of other versions, which can never be found again. Two range scans of the
        primary key: nothing to delete costs microseconds, whatever the cache's size."""
        end = self.prefix[:-1] + chr(ord(self.prefix[-1]) + 1)  # the first key past every key with the prefix
        self.conn.execute("DELETE FROM tokens WHERE key < ? OR key >= ?", (self.prefix, end))
        self.conn.commit()

    def get_many(self, hashes: Iterable[str]) -> dict[str, str]:
        keys = [self.prefix + h for h in hashes]
        found: dict[str, str] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            rows = self.conn.execute(
                f"SELECT key, value FROM tokens WHERE key IN ({','.join('?' * len(chunk))})", chunk
            )
            for key, value in rows:
                found[key[len(self.prefix):]] = value
        return found

    def missing(self, hashes: Iterable[str]) -> set[str]:
        """The hashes the cache lacks, without loading any tokens: do we need the segmenter at all?"""
        wanted = list(dict.fromkeys(hashes))
        have: set[str] = set()
        for start in range(0, len(wanted), 500):
            chunk = [self.prefix + h for h in wanted[start:start + 500]]
            rows = self.conn.execute(f"SELECT key FROM tokens WHERE key IN ({','.join('?' * len(chunk))})", chunk)
            have.update(key[len(self.prefix):] for (key,) in rows)
        return set(wanted) - have

    def put(self, content_hash: str, words: str) -> None:
        self.conn.execute("INSERT OR REPLACE INTO tokens VALUES (?, ?)", (self.prefix + content_hash, words))

    def commit(self) -> None:
        self.conn.commit()

    def close(self) -> None:
        self.conn.commit()
        self.conn.close()

    def __enter__(self) -> SegmentCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
