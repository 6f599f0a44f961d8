"""Bulk indexing on every core: each worker process segments its share and writes its own Whoosh segment.

Segmentation costs the most and Whoosh's indexing is pure Python too, so both run in the workers;
the main process reads the archive, feeds batches, stores new segmentations in the cache, and the
caller commits one table of contents listing the workers' segments (what Whoosh's MpWriter does with
multisegment=True, without its one-second wait that silently drops a slow worker's segment).
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import queue
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archive import Article
from indexer.analysis.bulkwords import die_with_parent
from indexer.analysis.segcache import SegmentCache
from indexer.whoosh_engine.writer.documents import prepare
from indexer.whoosh_engine.writer.segwriter import FastSegmentWriter

log = logging.getLogger(__name__)

BATCH = 40           # articles per job: small enough to balance the load, big enough to amortise pickling
COLLECT_EVERY = 100  # jobs between a worker's cycle collections (see quiet_gc)
WORKER_LIMIT_MB = 112  # postings buffered per worker before they spill to disk (segwriter.TermPool): bounds memory.
# 192 spilled half as often but built the 100 000-article index no faster (1109 s against 1103 s) and peaked
# at 825 MB against 622 MB.


class WorkerError(Exception):
    """A worker process failed or died; the message names the cause."""


@dataclass
class Job:
    articles: list[tuple[Article, str]]  # with their content hashes
    cached: dict[str, str]  # content hash → segmented words, for the articles the cache already had


@dataclass
class Done:
    count: int
    fresh: dict[str, str] = field(default_factory=dict)  # newly segmented words, for the cache


def quiet_gc() -> None:
    """Python's cycle collector off in a worker process, with what it inherited frozen out of its sight.

    Segmenting and indexing allocate millions of containers and make no reference cycles (none in 300
    segmented articles, none per document in 1 500 indexed), so the collector's passes over them are
    pure cost: ~2.5 s of CPU on the corpus, 5 % of a bulk index. Workers still collect every
    COLLECT_EVERY jobs, so a cycle made somewhere cannot pile up.
    """
    gc.freeze()
    gc.disable()


def _worker(directory: str, jobs: Any, results: Any, parent: int, compound: bool) -> None:
    """One worker: analyse and index jobs until told to stop, then hand back the finished segment."""
    die_with_parent()
    quiet_gc()
    try:
        from whoosh import index as whoosh_index

        ix = whoosh_index.open_dir(directory)
        # _lk=False: the parent holds the index's write lock; compound: see build.SMALL_SEGMENT
        writer = FastSegmentWriter(ix, _lk=False, limitmb=WORKER_LIMIT_MB, compound=compound)
        handled = 0
        while True:
            try:
                job = jobs.get(timeout=5)
            except queue.Empty:
                if os.getppid() != parent:
                    return  # parent gone: nobody will commit this segment
                continue
            if job is None:
                break
            handled += 1
            if handled % COLLECT_EVERY == 0:
                gc.collect()
            done = Done(count=len(job.articles))
            for article, key in job.articles:
                doc, fresh = prepare(article, key, job.cached.get(key, done.fresh.get(key)))
                if fresh is not None:
                    done.fresh[key] = fresh
                writer.add_document(**doc)
            results.put(done)
        if writer._added:
            results.put(("segment", writer._finalize_segment()))
        else:
            writer._close_segment()
            results.put(("segment", None))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which raises it
        results.put(("error", f"{type(exc).__name__}: {exc}"))


class WorkerPool:
    """Workers writing segments into `directory`; feed them with `submit`, collect with `finish`."""

    def __init__(self, directory: Path, workers: int, cache: SegmentCache,
                 on_done: Callable[[Done], None], compound: bool = False) -> None:
        ctx = multiprocessing.get_context("fork")  # workers share the loaded segmentation model
        self.cache = cache
        self.on_done = on_done
        self.jobs = ctx.Queue(maxsize=workers * 2)  # bounded: memory stays flat however big the archive
        self.results = ctx.Queue()
        self.procs = [ctx.Process(target=_worker, args=(str(directory), self.jobs, self.results, os.getpid(), compound),
                                  daemon=True, name=f"tracuu-index-{i}") for i in range(workers)]
        for proc in self.procs:
            proc.start()
        self.segments: list[Any] = []
        self.finished = 0
        self.committed = time.monotonic()

    def _handle(self, message: Any) -> None:
        if isinstance(message, Done):
            for key, words in message.fresh.items():
                self.cache.put(key, words)
            if time.monotonic() - self.committed > 2:  # a killed job keeps what it segmented
                self.cache.commit()
                self.committed = time.monotonic()
            self.on_done(message)
        elif message[0] == "segment":
            self.finished += 1
            if message[1] is not None:
                self.segments.append(message[1])
        else:
            raise WorkerError(f"An index worker failed: {message[1]}")

    def _drain(self, timeout: float) -> None:
        """Handle results for up to `timeout` seconds (at least one if any arrives)."""
        try:
            self._handle(self.results.get(timeout=timeout))
            while True:
                self._handle(self.results.get_nowait())
        except queue.Empty:
            pass
        dead = [p for p in self.procs if p.exitcode not in (None, 0)]
        if dead:
            raise WorkerError(f"Index worker {dead[0].name} died (exit code {dead[0].exitcode}).")

    def submit(self, job: Job) -> None:
        while True:
            try:
                self.jobs.put(job, timeout=0.05)
                break
            except queue.Full:
                self._drain(0.2)
        self._drain(0)

    def finish(self) -> list[Any]:
        """Wait for every worker's segment; returns the segments to commit."""
        for _ in self.procs:
            self.jobs.put(None)
        while self.finished < len(self.procs):
            self._drain(0.5)
        for proc in self.procs:
            proc.join()
        self.cache.commit()
        return self.segments

    def kill(self) -> None:
        for proc in self.procs:
            if proc.is_alive():
                proc.kill()
        for proc in self.procs:
            proc.join()


def index_in_parallel(directory: Path, articles: Iterable[tuple[Article, str]], cache: SegmentCache, workers: int,
                      on_done: Callable[[Done], None], compound: bool = False) -> list[Any]:
    """Index `articles` (each with its content hash) into new segments of the index at `directory`;
    returns them, uncommitted.

    The caller commits them (see build.commit_segments). Killing the process at any point leaves
    only unreferenced files, which Whoosh's next commit deletes.
    """
    pool = WorkerPool(directory, workers, cache, on_done, compound)
    try:
        batch: list[tuple[Article, str]] = []
        for item in articles:
            batch.append(item)
            if len(batch) == BATCH:
                pool.submit(Job(batch, cache.get_many(key for _article, key in batch)))
                batch = []
        if batch:
            pool.submit(Job(batch, cache.get_many(key for _article, key in batch)))
        return pool.finish()
    except BaseException:
        pool.kill()
        raise
