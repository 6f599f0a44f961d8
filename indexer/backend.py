"""The one door to the index for the CLI and the web app: which back end, where its data lives.

`open_search` gives a `SearchEngine` (indexer.engine.base) and `update_index` brings the index up to
date with the archive. Callers see only the engine contract (indexer.engine); a second back end is
one more branch here and nothing in webapp/ or tracuu/.
"""

from __future__ import annotations

from archive import Archive
from indexer.engine.base import IndexStats, Progress, SearchEngine
from indexer.engine.config import BACKENDS, EngineConfig, UnknownBackendError

__all__ = ["BACKENDS", "EngineConfig", "UnknownBackendError", "open_search", "update_index"]

def open_search(config: EngineConfig) -> SearchEngine:
    """A long-lived engine over the configured index (it follows new commits by itself)."""
    _check_environment(config)
    if config.backend == "opensearch":
        from indexer.opensearch_engine.reader import OpenSearchEngine

        return OpenSearchEngine(config)
    from indexer.whoosh_engine.reader.search import SearchIndex

    return SearchIndex(config.index_path, config.archive_path, cache_mb=config.search_cache_mb,
                       abbreviations=config.abbreviations())


def update_index(archive: Archive, config: EngineConfig, *, rebuild: bool = False,
                 progress: Progress | None = None, workers: int | None = None) -> IndexStats:
    """Bring the configured index up to date with `archive`: only what changed, or all of it.

    Rebuilds (atomically: the previous index serves until the new one is complete) when asked, when
    there is no index yet, or when the index cannot be used as it is.
    """
    _check_environment(config)
    if config.backend == "opensearch":
        from indexer.opensearch_engine.writer import update_index as opensearch_update

        return opensearch_update(archive, config, rebuild=rebuild, progress=progress)
    from indexer.whoosh_engine.writer.build import update_index as whoosh_update

    return whoosh_update(archive, config.index_path, config.cache_path, rebuild=rebuild,
                         progress=progress, workers=workers)


def _check_environment(config: EngineConfig) -> None:
    """The installed libraries still behave as the code expects (once per process): the analysis every
    back end shares, and Whoosh's internals when Whoosh is the back end."""
    from indexer.analysis.selfcheck import check_analysis

    check_analysis()
    if config.backend == "whoosh":
        from indexer.whoosh_engine.selfcheck import check_whoosh

        check_whoosh()
