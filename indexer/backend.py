"""The one door to the index for the CLI and the web app: which back end, where its data lives.

`open_search` gives a `SearchEngine` (indexer.engine.base) and `update_index` brings the index up to
date with the archive. Callers see only the engine contract (indexer.engine); a second back end is
one more branch here and nothing in webapp/ or tracuu/.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from archive import Archive
from indexer.engine.base import IndexStats, Progress, SearchEngine
from indexer.errors import IndexerError

BACKENDS = ("whoosh", "opensearch")


class UnknownBackendError(IndexerError):
    pass


@dataclass(frozen=True)
class EngineConfig:
    """Which back end, and the data dir it keeps its index and caches in (beside the archive)."""

    data_dir: Path
    backend: str = "whoosh"
    # opensearch only: where the cluster is (credentials may be in the URL), a CA file for its TLS
    # certificate, the alias searches go through (indexes are named after it), shards and replicas
    opensearch_url: str = "http://127.0.0.1:9200"
    opensearch_ca_file: str = ""
    opensearch_index: str = "tracuu"
    opensearch_shards: int = 1
    opensearch_replicas: int = 1

    def __post_init__(self) -> None:
        if self.backend not in BACKENDS:
            raise UnknownBackendError(f"Unknown search back end {self.backend!r}; "
                                      f"this tracuu knows: {', '.join(BACKENDS)}.")

    @property
    def archive_path(self) -> Path:
        return Path(self.data_dir) / "archive.sqlite3"

    @property
    def index_path(self) -> Path:
        return Path(self.data_dir) / "index"

    @property
    def cache_path(self) -> Path:
        """Segmentations by content hash: any back end reuses them, so a rebuild segments nothing again."""
        return Path(self.data_dir) / "segments.sqlite3"


def open_search(config: EngineConfig) -> SearchEngine:
    """A long-lived engine over the configured index (it follows new commits by itself)."""
    _check_environment(config)
    if config.backend == "opensearch":
        from indexer.opensearch_engine.reader import OpenSearchEngine

        return OpenSearchEngine(config.opensearch_url, config.opensearch_index, config.archive_path,
                                ca_file=config.opensearch_ca_file)
    from indexer.whoosh_engine.reader.search import SearchIndex

    return SearchIndex(config.index_path, config.archive_path)


def update_index(archive: Archive, config: EngineConfig, *, rebuild: bool = False,
                 progress: Progress | None = None, workers: int | None = None) -> IndexStats:
    """Bring the configured index up to date with `archive`: only what changed, or all of it.

    Rebuilds (atomically: the previous index serves until the new one is complete) when asked, when
    there is no index yet, or when the index cannot be used as it is.
    """
    _check_environment(config)
    if config.backend == "opensearch":
        from indexer.opensearch_engine.writer import OpenSearchTarget
        from indexer.opensearch_engine.writer import update_index as opensearch_update

        target = OpenSearchTarget(config.opensearch_url, config.opensearch_index, ca_file=config.opensearch_ca_file,
                                  shards=config.opensearch_shards, replicas=config.opensearch_replicas)
        return opensearch_update(archive, target, lock_path=Path(config.data_dir) / "opensearch-index",
                                 rebuild=rebuild, progress=progress)
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
