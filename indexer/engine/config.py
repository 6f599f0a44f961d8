"""Which back end, and where it keeps its data: what the facade (indexer/backend.py) and every back end read.

Settings (tracuu/settings.py) fill it; it lives here, upstream of the back ends, so each of them can
take it whole instead of a copy of the fields it needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from indexer.analysis.abbreviations import Abbreviations, load_abbreviations
from indexer.errors import IndexerError

BACKENDS = ("whoosh", "opensearch")


class UnknownBackendError(IndexerError):
    pass


@dataclass(frozen=True)
class EngineConfig:
    """Which back end, and the data dir it keeps its index and caches in (beside the archive)."""

    data_dir: Path
    backend: str = "whoosh"
    search_cache_mb: int = 0  # whoosh: the caches a searching process may grow to (0: the defaults, ~396 MB)
    # opensearch only: where the cluster is (credentials may be in the URL), a CA file for its TLS
    # certificate, the alias searches go through (indexes are named after it), shards and replicas
    opensearch_url: str = "http://127.0.0.1:9200"
    opensearch_ca_file: str = ""
    opensearch_index: str = "tracuu"
    opensearch_shards: int = 1
    opensearch_replicas: int = 1
    # a deployment's own abbreviations, added to the built-in table (same format as analysis/abbreviations.tsv)
    abbreviations_file: str = ""

    def __post_init__(self) -> None:
        if self.backend not in BACKENDS:
            raise UnknownBackendError(f"Unknown search back end {self.backend!r}; "
                                      f"this tracuu knows: {', '.join(BACKENDS)}.")

    def abbreviations(self) -> Abbreviations:
        """The table queries expand abbreviations with; read once by each engine. Raises AbbreviationsError
        (an IndexerError naming the file and line) for a file that cannot be used."""
        return load_abbreviations([Path(self.abbreviations_file)] if self.abbreviations_file else [])

    @property
    def archive_path(self) -> Path:
        return Path(self.data_dir) / "archive.sqlite3"

    @property
    def index_path(self) -> Path:
        return Path(self.data_dir) / "index"

    @property
    def files_path(self) -> Path:
        """Attached files by content hash (archive.FileStore): the web app serves archived copies from it."""
        return Path(self.data_dir) / "files"

    @property
    def cache_path(self) -> Path:
        """Segmentations by content hash: any back end reuses them, so a rebuild segments nothing again."""
        return Path(self.data_dir) / "segments.sqlite3"
