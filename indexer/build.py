"""Bringing the index up to date with the archive: incremental updates and atomic rebuilds.

`update_index` touches only what changed (by content hash); `rebuild_index` writes a new generation
beside the current one and swaps it in. Either can be killed at any moment: Whoosh writes its table
of contents last and the swap is one rename, so readers always see the previous complete index.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.pool import Pool
from pathlib import Path

from crawl.archive import Archive, Article
from indexer import store
from indexer.analysis import ANALYSIS_VERSION, analyze
from indexer.segcache import SegmentCache

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]

# Below this many articles to analyse, a process pool costs more than it saves.
POOL_THRESHOLD = 64


@dataclass
class IndexStats:
    added: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    analysed: int = 0  # articles segmented now (not taken from the cache)
    rebuilt: bool = False
    reason: str = ""   # why a rebuild happened, for the CLI to say
    seconds: float = 0.0
    total: int = 0


def article_tokens(title: str, body: str) -> dict[str, str]:
    """Every analysed field of one article, as Whoosh will receive them."""
    t, b = analyze(title), analyze(body)
    return {
        "title_f": t.folded, "title_s": t.exact, "body_f": b.folded, "body_s": b.exact,
        "words": f"{t.words} {b.words}".strip(), "codes": f"{t.codes} {b.codes}".strip(),
    }


def _tokens_job(item: tuple[str, str, str]) -> tuple[str, dict[str, str]]:
    key, title, body = item
    return key, article_tokens(title, body)


def pubdate_number(published: str | None) -> int:
    """'2019-01-18T08:30:00+07:00' → 201901180830: sortable, and comparable for date ranges."""
    if not published:
        return 0
    digits = published[:16].replace("-", "").replace("T", "").replace(":", "")
    return int(digits.ljust(12, "0"))


def document(article: Article, tokens: dict[str, str]) -> dict[str, object]:
    doc: dict[str, object] = {
        "id": article.id, "content_hash": article.content_hash, "title": article.title,
        "url": article.url or "", "published": article.published or "",
        "pubdate": pubdate_number(article.published), **tokens,
    }
    facets = {"year": str(article.year) if article.year else None, "department": article.department,
              "category": article.category, "site": article.site}
    doc.update({k: v for k, v in facets.items() if v})  # an absent facet stays out of the counts
    return doc


def _batches(articles: Iterable[Article], size: int = 500) -> Iterator[list[Article]]:
    batch: list[Article] = []
    for article in articles:
        batch.append(article)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def analysed_documents(articles: Iterable[Article], cache: SegmentCache, stats: IndexStats,
                       pool: Pool | None) -> Iterator[dict[str, object]]:
    """Documents for `articles`, streamed in batches, segmenting only those the cache lacks."""
    for batch in _batches(articles):
        cached = cache.get_many(a.content_hash for a in batch)
        todo = {a.content_hash: a for a in batch if a.content_hash not in cached}
        stats.analysed += len(todo)
        for article in batch:
            if article.content_hash in cached:
                yield document(article, cached[article.content_hash])
        jobs = [(a.content_hash, a.title, a.body) for a in todo.values()]
        results = pool.imap(_tokens_job, jobs, chunksize=4) if pool and len(jobs) > 1 else map(_tokens_job, jobs)
        for key, tokens in results:
            cache.put(key, tokens)
            yield document(todo[key], tokens)
        cache.commit()


@contextmanager
def analysis_pool(expected: int, workers: int) -> Iterator[Pool | None]:
    """A process pool when there is enough to segment for it to pay off, else None."""
    if expected < POOL_THRESHOLD or workers < 2:
        yield None
        return
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        yield pool


def _index_hashes(ix: object) -> dict[str, str]:
    """id → content hash of every live document, read from columns."""
    with ix.searcher() as searcher:  # type: ignore[attr-defined]
        reader = searcher.reader()
        ids = reader.column_reader("id")
        hashes = reader.column_reader("content_hash")
        return {ids[n]: hashes[n] for n in reader.all_doc_ids()}


def update_index(archive: Archive, index_path: Path, cache_path: Path, *, rebuild: bool = False,
                 progress: Progress | None = None, workers: int | None = None) -> IndexStats:
    """Bring the index up to date with the archive, touching only changed articles.

    Rebuilds instead (atomically) when asked, when there is no index yet, or when the index was
    made by another analysis or schema version.
    """
    started = time.monotonic()
    workers = workers or os.cpu_count() or 1
    with store.writer_lock(index_path):
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
        with SegmentCache(cache_path) as cache:
            if reason:
                stats = _rebuild(archive, index_path, cache, progress, workers)
                stats.reason = reason
            else:
                store.remove_stale_generations(index_path)  # half-built ones from a killed rebuild
                stats = _update(archive, index_path, cache, progress, workers)
    stats.seconds = time.monotonic() - started
    stats.total = archive.count()
    return stats


def rebuild_index(archive: Archive, index_path: Path, cache_path: Path, *,
                  progress: Progress | None = None, workers: int | None = None) -> IndexStats:
    """Build a fresh index beside the current one and swap it in atomically."""
    return update_index(archive, index_path, cache_path, rebuild=True, progress=progress, workers=workers)


def _write(writer: object, docs: Iterable[dict[str, object]], total: int, progress: Progress | None,
           replace: bool) -> int:
    n = 0
    for n, doc in enumerate(docs, start=1):
        if replace:
            writer.update_document(**doc)  # type: ignore[attr-defined]
        else:
            writer.add_document(**doc)  # type: ignore[attr-defined]
        if progress and (n % 50 == 0 or n == total):
            progress(n, total)
    return n


def _rebuild(archive: Archive, index_path: Path, cache: SegmentCache, progress: Progress | None,
             workers: int) -> IndexStats:
    stats = IndexStats(rebuilt=True)
    directory = store.new_generation(index_path)
    from whoosh import index as whoosh_index

    ix = whoosh_index.open_dir(str(directory))
    total = archive.count()
    writer = ix.writer(limitmb=256)
    try:
        with analysis_pool(total, workers) as pool:
            docs = analysed_documents(archive.iter_articles(), cache, stats, pool)
            stats.added = _write(writer, docs, total, progress, replace=False)
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
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
    changed = [i for i, h in in_archive.items() if in_index.get(i) != h]
    gone = [i for i in in_index if i not in in_archive]
    stats.unchanged = len(in_archive) - len(changed)
    if not changed and not gone:
        return stats
    articles = list(archive.get_many(changed).values())
    writer = ix.writer(limitmb=128)
    try:
        for article_id in gone:
            writer.delete_by_term("id", article_id)
        with analysis_pool(len(articles), workers) as pool:
            docs = analysed_documents(articles, cache, stats, pool)
            _write(writer, docs, len(articles), progress, replace=True)
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    stats.deleted = len(gone)
    stats.added = sum(1 for a in articles if a.id not in in_index)
    stats.updated = len(articles) - stats.added
    log.info("Index updated: %d added, %d updated, %d deleted", stats.added, stats.updated, stats.deleted)
    return stats
