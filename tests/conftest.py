"""Shared fixtures: temp data dirs, archives and real Whoosh indexes, the demo site, ../shared."""

from __future__ import annotations

import os
import shutil
import threading
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from archive import Archive, Article
from indexer.whoosh_engine.reader.search import SearchIndex
from indexer.whoosh_engine.writer.build import update_index
from tests.opensearch_cluster import opensearch_cluster  # noqa: F401 - registers the session fixture

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never see the developer's TRACUU_* settings."""
    for name in list(os.environ):
        if name.startswith("TRACUU_"):
            monkeypatch.delenv(name)


@pytest.fixture
def shared() -> Path:
    """../shared beside the checkout; tests that need it skip without it (an outside user)."""
    if not SHARED.is_dir():
        pytest.skip(f"../shared not found at {SHARED}: real-data tests need the project's shared data")
    return SHARED


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


def index_articles(data: Path, *batches: list[Article]) -> SearchIndex:
    """Archive each batch and commit it to a real Whoosh index (one segment a batch); open a SearchIndex."""
    with Archive(data / "archive.sqlite3") as archive:
        for batch in batches:
            for article in batch:
                archive.upsert(article, commit=False)
            archive.commit()
            update_index(archive, data / "index", data / "segments.sqlite3", workers=1)
    return SearchIndex(data / "index", data / "archive.sqlite3")


def two_commit_index(data: Path) -> SearchIndex:
    """Our corpus in two commits: the second adds a segment and replaces an article of the first, so the
    first segment has a deletion and the second's docnums are offset (what matching must get right)."""
    from dataclasses import replace

    from tests.corpus import ARTICLES

    changed = replace(ARTICLES[0], body=ARTICLES[0].body + " Hội nghị tổng kết được tổ chức lại.")
    return index_articles(data, ARTICLES[:6], [*ARTICLES[6:], changed])


@pytest.fixture
def make_index(data_dir: Path) -> Iterator[Callable[..., SearchIndex]]:
    """Factory: archive these articles, build a real Whoosh index, return a SearchIndex over it."""
    opened: list[SearchIndex] = []

    def make(articles: list[Article]) -> SearchIndex:
        index = index_articles(data_dir, articles)
        opened.append(index)
        return index

    yield make
    for index in opened:
        index.close()


@contextmanager
def served(app: Any) -> Iterator[str]:
    """A Flask app served by werkzeug on 127.0.0.1, port 0, in a background thread: its base URL. The app's
    engine is closed after."""
    from werkzeug.serving import make_server

    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        thread.join()
        app.extensions["tracuu_index"].close()


def chromium_path() -> str | None:
    for candidate in ("/usr/bin/chromium", shutil.which("chromium") or ""):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture(scope="session")
def scans() -> types.ModuleType:
    """tests/scans.py, which needs Pillow (a test-only dependency) and Debian's DejaVu fonts."""
    pytest.importorskip("PIL", reason="Pillow draws the scanned pages: pip install Pillow")
    from tests import scans

    missing = scans.fonts_missing()
    if missing:
        pytest.skip(missing)
    return scans
