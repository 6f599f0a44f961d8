"""Segmented words for many articles at once: from the cache when it has them, else segmented now, on
every core when there are many, and stored for the next build.

A back end whose own indexing is cheap (OpenSearch does it on the cluster) needs only the words from
here; the Whoosh writer has its own workers, which segment and write segments together.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from indexer.analysis.segcache import SegmentCache
from indexer.analysis.text import AnalyzedText, analyze, words

BATCH = 500          # articles looked up in the cache at once
PARALLEL_MIN = 200   # missing articles in a batch worth starting worker processes for (start-up ~1 s)
CHUNK = 20           # articles per task sent to a worker

Item = tuple[str, str, str]  # content hash, title, body


def joined_words(title: AnalyzedText, body: AnalyzedText) -> str:
    """An analysed article's segmented words as the cache keeps them, the title's then the body's: one format
    for every back end, so each reuses what another segmented."""
    return f"{title.words} {body.words}".strip()


def article_words(title: str, body: str) -> str:
    """One article's segmented words, as the cache keeps them."""
    return joined_words(analyze(title), analyze(body))


def _segment(item: Item) -> str:
    return article_words(item[1], item[2])


def die_with_parent() -> None:
    """Ask Linux to SIGKILL this worker when the job that started it dies, so a killed job leaves no orphans
    (holding locks and memory). Elsewhere a no-op."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class _Pool:
    """Worker processes, started on first need, sharing the segmentation model loaded before the fork."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool: Any = None

    def map(self, items: list[Item]) -> list[str]:
        if self.workers < 2 or len(items) < PARALLEL_MIN or "fork" not in multiprocessing.get_all_start_methods():
            return [_segment(item) for item in items]
        if self._pool is None:
            words("Hà Nội")  # load the model once, before forking
            self._pool = multiprocessing.get_context("fork").Pool(self.workers, initializer=die_with_parent)
        return list(self._pool.imap(_segment, items, chunksize=CHUNK))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()


def cached_words(items: Iterable[Item], cache: SegmentCache, *, workers: int | None = None,
                 segmented: Callable[[int], None] | None = None) -> Iterator[str]:
    """Each item's segmented words, in order. `workers`: processes for what the cache lacks (default:
    every core); `segmented`: told how many articles each batch had to segment."""
    pool = _Pool(workers if workers is not None else (os.cpu_count() or 1))
    batch: list[Item] = []

    def flush() -> Iterator[str]:
        found = cache.get_many(key for key, _title, _body in batch)
        missing = list({key: item for item in batch if (key := item[0]) not in found}.values())
        if missing:
            for item, fresh in zip(missing, pool.map(missing), strict=True):
                found[item[0]] = fresh
                cache.put(item[0], fresh)
            cache.commit()
            if segmented:
                segmented(len(missing))
        yield from (found[key] for key, _title, _body in batch)

    try:
        for item in items:
            batch.append(item)
            if len(batch) == BATCH:
                yield from flush()
                batch = []
        if batch:
            yield from flush()
    finally:
        pool.close()
