"""What every back end provides: a search engine for the web app and the CLI, and index statistics."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable

from archive import Archive, ArchiveError, Article
from indexer.engine.request import SearchRequest
from indexer.engine.response import SearchHit, SearchResponse
from indexer.errors import IndexMissingError

Progress = Callable[[int, int], None]  # (done, total), called now and then while indexing


@runtime_checkable
class SearchEngine(Protocol):
    """One long-lived handle on an index, shared by the threads of a process.

    It follows new index commits by itself: callers keep one for the life of the process.
    """

    def search(self, request: SearchRequest) -> SearchResponse: ...

    def article(self, article_id: str) -> Article | None: ...

    def more_like_this(self, article_id: str, limit: int = 5) -> list[SearchHit]: ...

    def doc_count(self) -> int: ...

    def close(self) -> None: ...


def read_archive(path: Path) -> Archive:
    """The archive as a searching process opens it: read-only (no schema, no journal pragma, no write lock a
    crawl could wait on). A missing or unreadable one makes searching unavailable, as a missing index does."""
    try:
        return Archive(path, readonly=True)
    except ArchiveError as exc:
        raise IndexMissingError(f"{exc}. Run 'tracuu crawl' or 'tracuu import', then 'tracuu index'.") from exc


@dataclass
class IndexStats:
    """What one index job did, for the CLI's summary line."""

    added: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    analysed: int = 0  # articles segmented now (not taken from the cache)
    rebuilt: bool = False
    reason: str = ""   # why a rebuild happened, for the CLI to say
    seconds: float = 0.0
    total: int = 0
    failed: dict[str, str] = field(default_factory=dict)  # article id → why the back end refused it
