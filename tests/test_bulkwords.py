"""Segmented words for many articles: the cache's when it has them, the segmenter's otherwise, in order."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.analysis import bulkwords
from indexer.analysis.bulkwords import article_words, cached_words
from indexer.analysis.segcache import SegmentCache
from tests.corpus import ARTICLES


def _items(n: int) -> list[tuple[str, str, str]]:
    """n distinct articles (each body numbered), as (content hash, title, body)."""
    out = []
    for i in range(n):
        article = ARTICLES[i % len(ARTICLES)]
        out.append((f"hash-{i}", article.title, f"{article.body} Bài số {i}."))
    return out


def test_words_come_in_order_and_only_missing_ones_are_segmented(tmp_path: Path) -> None:
    items = _items(12)
    with SegmentCache(tmp_path / "segments.sqlite3") as cache:
        cache.put("hash-3", "từ_trong bộ_nhớ_đệm")
        cache.commit()
        counted: list[int] = []
        got = list(cached_words(items, cache, workers=1, segmented=counted.append))
        assert got[3] == "từ_trong bộ_nhớ_đệm"
        assert got[:3] + got[4:] == [article_words(t, b) for _h, t, b in items[:3] + items[4:]]
        assert "hội_nghị" in " ".join(got)
        assert sum(counted) == 11
        counted.clear()
        assert list(cached_words(items, cache, workers=1, segmented=counted.append)) == got
        assert counted == []


def test_many_missing_articles_are_segmented_by_worker_processes(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulkwords, "PARALLEL_MIN", 8)
    monkeypatch.setattr(bulkwords, "BATCH", 10)
    items = _items(25)
    with SegmentCache(tmp_path / "segments.sqlite3") as cache:
        parallel = list(cached_words(items, cache, workers=2))
    assert parallel == [article_words(t, b) for _h, t, b in items]
    with SegmentCache(tmp_path / "segments.sqlite3") as cache:
        assert not cache.missing(h for h, _t, _b in items)
