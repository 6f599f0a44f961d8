"""Bringing the index up to date with the archive: incremental updates and atomic rebuilds.

`update_index` touches only what changed (by content hash); `rebuild_index` writes a new generation
beside the current one and swaps it in. Either can be killed at any moment: Whoosh writes its table
of contents last and the swap is one rename, so readers always see the previous complete index.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from archive import Archive
from indexer.analysis.segcache import SegmentCache
from indexer.analysis.text import ANALYSIS_VERSION, words
from indexer.engine.base import IndexStats, Progress
from indexer.engine.documents import Hashed, changes, with_stored_hashes
from indexer.errors import IndexFormatError
from indexer.locking import writer_lock
from indexer.whoosh_engine import store
from indexer.whoosh_engine.columns import all_column_values
from indexer.whoosh_engine.writer.documents import analysed_documents
from indexer.whoosh_engine.writer.parallel import index_in_parallel
from indexer.whoosh_engine.writer.segwriter import FastSegmentWriter

log = logging.getLogger(__name__)

# Below this many articles to index, forking workers costs more than it saves.
PARALLEL_THRESHOLD = 200
# Segments below this many documents come from small updates: compound (read whole when a searcher
# opens, so a later merge deleting them cannot break a reader), and merged together once there are
# more than MAX_SMALL_SEGMENTS. Bigger ones are written uncompounded (opening a compound 100 000-
# article segment costs seconds and gigabytes) and only a rebuild replaces them.
SMALL_SEGMENT = 2000
MAX_SMALL_SEGMENTS = 8


def _index_hashes(ix: Any) -> dict[str, str]:
    """id → content hash of every live document, read from columns (fast at 100 000 documents)."""
    with ix.reader() as reader:
        ids = all_column_values(reader, "id")
        hashes = all_column_values(reader, "content_hash")
        if not reader.has_deletions():
            return dict(zip(ids, hashes, strict=True))
        return {ids[n]: hashes[n] for n in reader.all_doc_ids()}


def merge_small_segments(writer: Any, segments: list[Any]) -> list[Any]:
    """Whoosh merge policy: fold the small-update segments into the new one once they pile up.

    Many segments slow every query a little; merging only the small ones keeps a commit fast.
    """
    # only compound ones: their files are read whole when a searcher opens them, so deleting them
    # after the merge cannot break a query still running on the previous commit
    small = [s for s in segments if s.doc_count_all() < SMALL_SEGMENT and getattr(s, "compound", False)]
    if len(small) <= MAX_SMALL_SEGMENTS:
        return segments
    from whoosh.reading import SegmentReader

    for segment in small:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    return [s for s in segments if s not in small]


def commit_segments(writer: Any, extra: list[Any]) -> None:
    """Commit `writer` (deletions and its own documents) together with segments written by workers.

    One table of contents lists them all, written to a temporary file and renamed: readers see
    the old index or the new one, never a mix. (What Whoosh's MpWriter does with multisegment=True.)
    """
    try:
        final = writer._merge_segments(merge_small_segments, False, True) + extra
        if writer._added:
            final.append(writer._finalize_segment())
        else:
            writer._close_segment()
        writer._commit_toc(final)
    except BaseException:
        writer.cancel()
        raise
    writer._finish()


def _compound(ix: Any, adding: int) -> bool:
    """Whether this commit's new segment (with the small ones it may absorb) counts as small."""
    small = [s.doc_count_all() for s in ix._segments()
             if s.doc_count_all() < SMALL_SEGMENT and getattr(s, "compound", False)]
    absorbed = sum(small) if len(small) + 1 > MAX_SMALL_SEGMENTS else 0
    return adding + absorbed < SMALL_SEGMENT


def update_index(archive: Archive, index_path: Path, cache_path: Path, *, rebuild: bool = False,
                 progress: Progress | None = None, workers: int | None = None) -> IndexStats:
    """Bring the index up to date with the archive, touching only changed articles.

    Rebuilds instead (atomically) when asked, when there is no index yet, or when the index was
    made by another analysis or schema version.
    """
    started = time.monotonic()
    workers = workers or os.cpu_count() or 1
    with writer_lock(index_path):
        current = store.current_dir(index_path)
        reason = ""
        if rebuild:
            reason = "asked for"
        elif current is None:
            reason = "no index yet"
        elif store.IndexVersion.read(current) != store.CURRENT_VERSION:
            found = store.IndexVersion.read(current)
            reason = (f"index made by analysis v{found.analysis if found else '?'}/schema "
                      f"v{found.schema if found else '?'}, this tracuu uses analysis v{ANALYSIS_VERSION}/"
                      f"schema v{store.CURRENT_VERSION.schema}")
        # half-built generations from a killed rebuild, and the one the last rebuild replaced
        store.remove_stale_generations(index_path)
        with SegmentCache(cache_path) as cache:
            if not reason:
                try:
                    stats = _update(archive, index_path, cache, progress, workers)
                except IndexFormatError as exc:  # raised on opening, before anything is written
                    reason = f"the index could not be read: {exc.__cause__ or exc}"
            if reason:
                stats = _rebuild(archive, index_path, cache, progress, workers)
                stats.reason = reason
    stats.seconds = time.monotonic() - started
    stats.total = archive.count()
    return stats


def rebuild_index(archive: Archive, index_path: Path, cache_path: Path, *,
                  progress: Progress | None = None, workers: int | None = None) -> IndexStats:
    """Build a fresh index beside the current one and swap it in atomically."""
    return update_index(archive, index_path, cache_path, rebuild=True, progress=progress, workers=workers)


def _write(directory: Path, writer: Any, articles: Iterable[Hashed], total: int,
           cache: SegmentCache, stats: IndexStats, progress: Progress | None, workers: int) -> int:
    """Index `articles` (segments from workers, or `writer` itself) and commit; returns how many."""
    done = 0

    def advance(n: int) -> None:
        nonlocal done
        done += n
        if progress and (done % 50 < n or done == total):
            progress(done, total)

    segments: list[Any] = []
    try:
        if total >= PARALLEL_THRESHOLD and workers > 1:
            def counted(d: Any) -> None:
                stats.analysed += len(d.fresh)
                advance(d.count)

            # each worker writes one segment: a small one must be compound, as it may be merged away
            segments = index_in_parallel(directory, articles, cache, workers, counted,
                                         compound=total / workers < SMALL_SEGMENT)
        else:
            for doc in analysed_documents(articles, cache, stats):
                writer.add_document(**doc)
                advance(1)
    except BaseException:
        writer.cancel()
        raise
    commit_segments(writer, segments)
    return done


def _warm_up(cache: SegmentCache, hashes: Iterable[str], parallel: bool) -> None:
    """Load the segmentation model before forking, so workers share it instead of each loading it."""
    if parallel and cache.missing(hashes):
        words("Hà Nội")


def _rebuild(archive: Archive, index_path: Path, cache: SegmentCache, progress: Progress | None,
             workers: int) -> IndexStats:
    stats = IndexStats(rebuilt=True)
    directory = store.new_generation(index_path)
    from whoosh import index as whoosh_index

    ix = whoosh_index.open_dir(str(directory))
    total = archive.count()
    hashes = archive.hashes()
    _warm_up(cache, hashes.values(), total >= PARALLEL_THRESHOLD and workers > 1)
    writer = FastSegmentWriter(ix, limitmb=128, compound=total < SMALL_SEGMENT)
    articles = with_stored_hashes(archive.iter_articles(), hashes)
    stats.added = _write(directory, writer, articles, total, cache, stats, progress, workers)
    store.CURRENT_VERSION.write(directory)
    store.swap_in(index_path, directory)
    log.info("Rebuilt index with %d articles in %s", stats.added, directory)
    return stats


def _update(archive: Archive, index_path: Path, cache: SegmentCache, progress: Progress | None,
            workers: int) -> IndexStats:
    stats = IndexStats()
    ix = store.open_current(index_path)
    in_index = _index_hashes(ix)
    in_archive = archive.hashes()
    diff = changes(in_index, in_archive)
    changed, gone = diff.changed, diff.gone
    stats.unchanged = diff.unchanged
    if not changed and not gone:
        return stats
    parallel = len(changed) >= PARALLEL_THRESHOLD and workers > 1
    _warm_up(cache, (in_archive[i] for i in changed), parallel)
    writer = FastSegmentWriter(ix, limitmb=64, compound=_compound(ix, len(changed)))
    try:
        # an update is a delete and an add (what update_document does), deletes first
        for article_id in gone + [i for i in changed if i in in_index]:
            writer.delete_by_term("id", article_id)
    except BaseException:
        writer.cancel()
        raise
    directory = store.current_dir(index_path)
    assert directory is not None
    articles = with_stored_hashes(archive.iter_by_ids(changed), in_archive)
    _write(directory, writer, articles, len(changed), cache, stats, progress, workers)
    stats.deleted = len(gone)
    stats.added = sum(1 for i in changed if i not in in_index)
    stats.updated = len(changed) - stats.added
    log.info("Index updated: %d added, %d updated, %d deleted", stats.added, stats.updated, stats.deleted)
    return stats
