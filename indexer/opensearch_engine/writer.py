"""Bringing the OpenSearch index up to date with the archive: incremental by content hash, or a rebuild
into a new index swapped in behind the alias in one atomic alias update.

Readers search the alias, so a rebuild killed at any point leaves the alias on the complete old index;
the next job deletes what it left behind (only indexes whose `_meta` says tracuu made them).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterable, Iterator
from itertools import tee
from pathlib import Path
from typing import Any

from archive import Archive, Article
from indexer.analysis.bulkwords import cached_words
from indexer.analysis.segcache import SegmentCache
from indexer.analysis.text import analyze
from indexer.engine.base import IndexStats, Progress
from indexer.engine.config import EngineConfig
from indexer.engine.documents import (
    Hashed,
    article_fields,
    attached_text,
    changes,
    token_fields,
    with_stored_hashes,
)
from indexer.locking import writer_lock
from indexer.opensearch_engine import mapping
from indexer.opensearch_engine.client import OpenSearchUnavailableError, connect, errors

log = logging.getLogger(__name__)

CHUNK = 500  # documents per bulk request: a few MB of analysed text


def document(article: Article, content_hash: str, words: str) -> dict[str, Any]:
    """The index's fields of one article; `words`, its segmented words (bulkwords.article_words), are
    counted by the suggester and rank nothing."""
    title, body = analyze(article.title, segment=False), analyze(article.body, segment=False)
    attached = attached_text(article)
    files = analyze(attached, segment=False) if attached else None
    doc = {**article_fields(article, content_hash), **token_fields(title, body, files),
           "words": words}
    if "person" in doc:  # a keyword field: one value per person
        doc["person"] = doc["person"].split()
    return doc


def update_index(archive: Archive, config: EngineConfig, *, rebuild: bool = False,
                 progress: Progress | None = None) -> IndexStats:
    """Bring the index behind `config.opensearch_index` up to date with the archive, touching only changed
    articles.

    Rebuilds instead when asked, when there is no index yet, or when it was made by another analysis or
    mapping version. Articles OpenSearch refuses are listed in `stats.failed`, with its reason.
    """
    started = time.monotonic()
    url, alias = config.opensearch_url, config.opensearch_index
    client = connect(url, ca_file=config.opensearch_ca_file)
    with writer_lock(Path(config.data_dir) / "opensearch-index"), errors(url), \
            SegmentCache(config.cache_path) as cache:
        current = _current(client, alias)
        reason = ""
        if rebuild:
            reason = "asked for"
        elif current is None:
            reason = "no index yet"
        elif not mapping.current_versions(_meta(client, current)):
            reason = "index made by another analysis or mapping version"
        _remove_stale(client, alias, keep=current)
        if reason:
            stats = _rebuild(client, archive, config, current, cache, progress)
            stats.reason = reason
        else:
            assert current is not None
            stats = _update(client, archive, current, cache, progress)
    stats.seconds = time.monotonic() - started
    stats.total = archive.count()
    return stats


def _current(client: Any, alias: str) -> str | None:
    """The index the alias points at, or None; a concrete index under the alias's name is an error."""
    if client.indices.exists_alias(name=alias):
        names = list(client.indices.get_alias(name=alias))
        return names[0] if names else None
    if client.indices.exists(index=alias):
        raise OpenSearchUnavailableError(
            f"'{alias}' on the cluster is an index, not an alias tracuu manages: choose another "
            "opensearch_index, or delete or rename that index.")
    return None


def _meta(client: Any, index: str) -> dict[str, Any] | None:
    found = client.indices.get_mapping(index=index)
    return found.get(index, {}).get("mappings", {}).get("_meta")


def _remove_stale(client: Any, alias: str, keep: str | None) -> None:
    """Delete indexes this tracuu made that the alias no longer serves: the one the last rebuild replaced
    (kept for searches still running on it) and any left by a killed rebuild."""
    found = client.indices.get(index=f"{alias}-*", ignore_unavailable=True, allow_no_indices=True)
    for name, info in found.items():
        if name != keep and not info.get("aliases") and mapping.made_by_us(info.get("mappings", {}).get("_meta"), name):
            client.indices.delete(index=name)


def _bulk(client: Any, actions: Iterable[dict[str, Any]], stats: IndexStats, total: int,
          progress: Progress | None) -> int:
    """Send `actions` in chunks; 429s are retried with back-off by the helper, per-item errors recorded."""
    from opensearchpy.helpers import streaming_bulk

    done = 0
    for ok, item in streaming_bulk(client, actions, chunk_size=CHUNK, max_retries=5, initial_backoff=1,
                                   max_backoff=30, raise_on_error=False, raise_on_exception=False):
        (op, result), = item.items()
        if ok:
            done += 1
        else:
            error = result.get("error")
            reason = error.get("reason") if isinstance(error, dict) else str(error)
            stats.failed[str(result.get("_id"))] = f"{op}: {reason}"
            log.warning("OpenSearch refused article %s: %s", result.get("_id"), reason)
        if progress and (done % 500 == 0 or done == total):
            progress(done, total)
    return done


def _indexing(articles: Iterable[Hashed], index: str, cache: SegmentCache,
              stats: IndexStats) -> Iterator[dict[str, Any]]:
    """Bulk actions for `articles`, their words from the segmentation cache (segmenting only what it lacks)."""
    mine, theirs = tee(articles)

    def segmented(n: int) -> None:
        stats.analysed += n

    words = cached_words(((h, a.title, a.body) for a, h in theirs), cache, segmented=segmented)
    for (article, content_hash), article_words in zip(mine, words, strict=True):
        yield {"_op_type": "index", "_index": index, "_id": article.id,
               "_source": document(article, content_hash, article_words)}


def _rebuild(client: Any, archive: Archive, config: EngineConfig, previous: str | None, cache: SegmentCache,
             progress: Progress | None) -> IndexStats:
    """Fill a new index and point the alias at it; `previous`, the index the alias served, stays until the
    next job (searches may still be running on it)."""
    stats = IndexStats(rebuilt=True)
    alias = config.opensearch_index
    name = f"{alias}-{time.strftime('%Y%m%dt%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    body = mapping.index_body(name, shards=config.opensearch_shards, replicas=config.opensearch_replicas)
    # no refreshes while bulk loading; the settings searches need are restored before the swap
    body["settings"]["index"]["refresh_interval"] = "-1"
    client.indices.create(index=name, body=body)
    hashes = archive.hashes()
    articles = with_stored_hashes(archive.iter_articles(), hashes)
    stats.added = _bulk(client, _indexing(articles, name, cache, stats), stats, len(hashes), progress)
    client.indices.put_settings(index=name, body={"index": {"refresh_interval": None}})
    client.indices.refresh(index=name)
    actions: list[dict[str, Any]] = [{"add": {"index": name, "alias": alias}}]
    if previous is not None:
        actions.insert(0, {"remove": {"index": previous, "alias": alias}})
    client.indices.update_aliases(body={"actions": actions})  # atomic: searches see the old or the new
    log.info("Rebuilt OpenSearch index %s with %d articles", name, stats.added)
    return stats


def _index_hashes(client: Any, index: str) -> dict[str, str]:
    """id → content hash of every document, read in one sorted scan."""
    from opensearchpy.helpers import scan

    hits = scan(client, index=index, query={"query": {"match_all": {}}, "_source": ["content_hash"]}, size=5000)
    return {hit["_id"]: hit["_source"].get("content_hash", "") for hit in hits}


def _update(client: Any, archive: Archive, index: str, cache: SegmentCache, progress: Progress | None) -> IndexStats:
    stats = IndexStats()
    in_index = _index_hashes(client, index)
    in_archive = archive.hashes()
    diff = changes(in_index, in_archive)
    changed, gone = diff.changed, diff.gone
    stats.unchanged = diff.unchanged
    if not changed and not gone:
        return stats

    def actions() -> Iterator[dict[str, Any]]:
        yield from ({"_op_type": "delete", "_index": index, "_id": i} for i in gone)
        yield from _indexing(with_stored_hashes(archive.iter_by_ids(changed), in_archive), index, cache, stats)

    _bulk(client, actions(), stats, len(gone) + len(changed), progress)
    client.indices.refresh(index=index)
    stats.deleted = len(gone) - sum(1 for i in gone if i in stats.failed)
    stats.added = sum(1 for i in changed if i not in in_index and i not in stats.failed)
    stats.updated = sum(1 for i in changed if i in in_index and i not in stats.failed)
    log.info("OpenSearch index updated: %d added, %d updated, %d deleted", stats.added, stats.updated, stats.deleted)
    return stats
