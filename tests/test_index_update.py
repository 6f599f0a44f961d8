"""update_index: only what changed is touched, the segmentation cache is used, versions force a rebuild."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

import pytest

from archive import Archive, Article
from indexer.analysis import text as analysis
from indexer.engine import IndexStats, SearchRequest
from indexer.whoosh_engine import store
from indexer.whoosh_engine.reader.search import SearchIndex
from indexer.whoosh_engine.writer import build
from indexer.whoosh_engine.writer.build import update_index
from tests.corpus import ARTICLES


class Paths:
    def __init__(self, data_dir: Path) -> None:
        self.archive = data_dir / "archive.sqlite3"
        self.index = data_dir / "index"
        self.cache = data_dir / "segments.sqlite3"

    def update(self, **kwargs: object) -> IndexStats:
        with Archive(self.archive) as archive:
            return update_index(archive, self.index, self.cache, workers=kwargs.pop("workers", 1), **kwargs)

    def store(self, *articles: Article) -> None:
        with Archive(self.archive) as archive:
            for article in articles:
                archive.upsert(article)

    def delete(self, article_id: str) -> None:
        with Archive(self.archive) as archive:
            archive.delete(article_id)


@pytest.fixture
def paths(data_dir: Path) -> Paths:
    p = Paths(data_dir)
    p.store(*ARTICLES)
    return p


@pytest.fixture
def segment_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every paragraph handed to underthesea (workers=1, so all in this process)."""
    calls: list[str] = []
    real = analysis._segment_paragraph

    def counting(paragraph: str) -> list[str]:
        calls.append(paragraph)
        return real(paragraph)

    monkeypatch.setattr(analysis, "_segment_paragraph", counting)
    return calls


def ids(paths: Paths, q: str) -> set[str]:
    index = SearchIndex(paths.index, paths.archive)
    try:
        return {h.id for h in index.search(SearchRequest(q=q, per_page=100)).results}
    finally:
        index.close()


def test_first_run_builds_then_adds_updates_and_deletes_only_what_changed(paths: Paths) -> None:
    first = paths.update()
    assert first.rebuilt and first.reason == "no index yet" and first.added == len(ARTICLES)

    new = Article(id="t100", title="Khai trương trung tâm logistics", body="Lễ khai trương trung tâm logistics mới.",
                  published="2022-02-02", department="Văn phòng", site="sct")
    changed = replace(ARTICLES[5], body="Cơ quan chức năng xử lý vụ buôn bán tê tê trái phép.")
    paths.store(new, changed)
    paths.delete(ARTICLES[2].id)
    stats = paths.update()

    assert not stats.rebuilt
    assert (stats.added, stats.updated, stats.deleted, stats.unchanged) == (1, 1, 1, len(ARTICLES) - 2)
    assert ids(paths, "logistics") == {"t100"}
    assert ids(paths, "tê tê") == {ARTICLES[5].id}
    assert ids(paths, "\"tang vật\"") == set()  # the old text is gone, not just shadowed
    assert ARTICLES[2].id not in ids(paths, "tập huấn hòa giải")
    again = paths.update()
    assert (again.added, again.updated, again.deleted, again.unchanged) == (0, 0, 0, len(ARTICLES))


def test_unchanged_articles_are_never_segmented_again(paths: Paths, segment_calls: list[str]) -> None:
    paths.update()
    assert segment_calls, "the first build segments every article"
    segment_calls.clear()

    paths.update()
    assert segment_calls == []  # nothing changed

    edited = replace(ARTICLES[0], body="Hội nghị tổng kết được tổ chức tại hội trường lớn.")
    paths.store(edited)
    stats = paths.update()
    assert stats.analysed == 1 and stats.updated == 1
    assert set(segment_calls) <= {edited.title, edited.body}  # only the edited article's paragraphs

    segment_calls.clear()
    rebuilt = paths.update(rebuild=True)
    assert rebuilt.rebuilt and rebuilt.analysed == 0 and segment_calls == []  # a rebuild reads the cache


def test_cache_is_keyed_by_analysis_version(paths: Paths, segment_calls: list[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    paths.update()
    segment_calls.clear()
    from indexer.analysis import segcache

    monkeypatch.setattr(segcache, "ANALYSIS_VERSION", analysis.ANALYSIS_VERSION + 1)
    stats = paths.update(rebuild=True)
    assert stats.analysed == len(ARTICLES) and segment_calls  # old-version tokens are not reused


def test_a_version_change_rebuilds_instead_of_mixing_tokens(paths: Paths) -> None:
    paths.update()
    old_dir = store.current_dir(paths.index)
    assert old_dir is not None
    (old_dir / store.VERSION_FILE).write_text(json.dumps({"analysis_version": 0, "schema_version": 1}))

    stats = paths.update()

    assert stats.rebuilt and "analysis v0" in stats.reason and f"v{analysis.ANALYSIS_VERSION}" in stats.reason
    new_dir = store.current_dir(paths.index)
    assert new_dir != old_dir and store.IndexVersion.read(new_dir) == store.CURRENT_VERSION
    assert ids(paths, "hội nghị tổng kết") >= {ARTICLES[0].id}


def test_cli_says_why_it_rebuilds(paths: Paths, data_dir: Path) -> None:
    from click.testing import CliRunner

    from tracuu.cli import cli

    paths.update()
    current = store.current_dir(paths.index)
    assert current is not None
    (current / store.VERSION_FILE).unlink()  # an index from a tracuu that wrote no version

    result = CliRunner().invoke(cli, ["-q", "--data-dir", str(data_dir), "index"])

    assert result.exit_code == 0, result.output
    assert "Rebuilt the index (index made by analysis v?" in result.output


def test_small_updates_do_not_pile_up_segments(paths: Paths) -> None:
    paths.update()
    before = store.open_current(paths.index).searcher()  # a query running during the merges below
    for n in range(build.MAX_SMALL_SEGMENTS + 3):
        paths.store(Article(id=f"n{n}", title=f"Tin số {n}", body=f"Bản tin ngắn số {n}.", site="sct"))
        paths.update()
    ix = store.open_current(paths.index)
    assert len(ix._segments()) <= build.MAX_SMALL_SEGMENTS + 1
    assert ix.doc_count() == len(ARTICLES) + build.MAX_SMALL_SEGMENTS + 3
    assert ids(paths, "bản tin ngắn") == {f"n{n}" for n in range(build.MAX_SMALL_SEGMENTS + 3)}
    from whoosh.query import Every

    # its segment was merged away and its files deleted; columns it had not read yet still work
    assert not (Path(os.path.realpath(paths.index)) / f"MAIN_{before.reader().segment().segment_id()}.seg").exists()
    newest = before.search(Every(), sortedby="pubdate", reverse=True, limit=3)
    assert [h["id"] for h in newest] == [a.id for a in sorted(ARTICLES, key=lambda a: a.published or "")[::-1][:3]]
    before.close()


def test_parallel_workers_index_the_same_as_one_process(paths: Paths, monkeypatch: pytest.MonkeyPatch) -> None:
    serial = paths.update()
    queries = ["hội nghị", "thuy loi", "hoà giải", "15/2003/qh11", "khuyến công"]
    expected = {q: ids(paths, q) for q in queries}

    from indexer.whoosh_engine.writer import parallel

    monkeypatch.setattr(build, "PARALLEL_THRESHOLD", 1)
    monkeypatch.setattr(parallel, "BATCH", 3)
    parallel = paths.update(rebuild=True, workers=2)

    assert parallel.added == serial.added == len(ARTICLES)
    assert {q: ids(paths, q) for q in queries} == expected
    assert 1 <= len(store.open_current(paths.index)._segments()) <= 2  # one segment per busy worker

    edited = replace(ARTICLES[3], body="Kiểm tra an toàn đập thủy điện trước mùa lũ.")
    paths.store(edited)
    stats = paths.update(workers=2)  # an update through workers: old version deleted, new one added
    assert stats.updated == 1 and ids(paths, "thủy điện") == {edited.id}


@pytest.mark.parametrize("small_segment", [build.SMALL_SEGMENT, 1], ids=["compound", "separate-files"])
def test_columns_read_whole_equal_whooshs_reader(paths: Paths, monkeypatch: pytest.MonkeyPatch,
                                                 small_segment: int) -> None:
    """The ids and hashes every update compares, and the facet columns a server loads: read in one piece per
    segment, the same values as Whoosh's reader, in several segments with a deleted document and empty values."""
    from indexer.whoosh_engine.columns import all_column_values

    monkeypatch.setattr(build, "SMALL_SEGMENT", small_segment)
    paths.update()
    paths.store(Article(id="t100", title="Khai trương", body="Lễ khai trương trung tâm.", site="sct"),
                replace(ARTICLES[5], body="Cơ quan chức năng xử lý vụ buôn bán tê tê trái phép."))
    paths.delete(ARTICLES[2].id)
    paths.update()
    with store.open_current(paths.index).reader() as reader:
        assert len(reader.leaf_readers()) == 2 and reader.has_deletions()
        assert {leaf.segment().compound for leaf, _offset in reader.leaf_readers()} == {small_segment > 1}
        columns = [name for name in reader.schema.names() if reader.schema[name].column_type]
        assert {"id", "content_hash", "department", "site"} <= set(columns)
        for name in columns:
            theirs = list(reader.column_reader(name))
            assert all_column_values(reader, name) == theirs, name
        assert "" in list(reader.column_reader("department"))  # t100 has none
    with Archive(paths.archive) as archive:
        assert build._index_hashes(store.open_current(paths.index)) == archive.hashes()
