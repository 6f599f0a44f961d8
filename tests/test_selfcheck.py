"""Start-up self-checks: the installed Whoosh and underthesea behave as the code that reaches into them expects,
and when they do not, the user gets one clear line (Whoosh) or the documented fallback (underthesea)."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from whoosh.scoring import BM25F
from whoosh.writing import SegmentWriter

from indexer.analysis import segcache, segmenter
from indexer.analysis import text as analysis
from indexer.analysis.segcache import SegmentCache
from indexer.analysis.selfcheck import AnalysisChangedError, check_analysis
from indexer.backend import EngineConfig, open_search
from indexer.whoosh_engine.reader import matching, postings
from indexer.whoosh_engine.selfcheck import WhooshChangedError, check_whoosh
from indexer.whoosh_engine.writer import segwriter
from tracuu.cli import cli


@pytest.fixture
def fresh_checks() -> Iterator[None]:
    """The checks run once per process (lru_cache): run them afresh here, and again after a broken one."""
    check_whoosh.cache_clear()
    check_analysis.cache_clear()
    yield
    check_whoosh.cache_clear()
    check_analysis.cache_clear()


@pytest.fixture
def fresh_segmenter() -> Iterator[None]:
    segmenter.default_segmenter.cache_clear()
    yield
    segmenter.default_segmenter.cache_clear()


# -- Whoosh ---------------------------------------------------------------------------------------
def test_the_whoosh_check_passes_on_the_installed_whoosh_on_its_fast_paths(fresh_checks: None,
                                                                           caplog: pytest.LogCaptureFixture) -> None:
    check_whoosh()  # the first run imports what the check uses: time the second, as a process pays it
    check_whoosh.cache_clear()
    started = time.perf_counter()
    check_whoosh()
    cost = time.perf_counter() - started
    print(f"Whoosh self-check: {cost * 1000:.0f} ms")
    assert cost < 2.0  # measured ~0.1 s; a bound that only a runaway check (or a stalled disk) breaks
    assert "public API" not in caplog.text  # the reader's own decoding is in use, not its fallbacks


def test_a_missing_whoosh_internal_is_named_with_the_version_to_install(fresh_checks: None,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(SegmentWriter, "_commit_toc")
    with pytest.raises(WhooshChangedError) as caught:
        check_whoosh()
    message = str(caught.value)
    assert "whoosh.writing.SegmentWriter._commit_toc" in message
    assert "pip install 'Whoosh==2.7.4'" in message
    assert "\n" not in message


def test_a_missing_bm25f_field_table_is_named(fresh_checks: None, monkeypatch: pytest.MonkeyPatch) -> None:
    real_init = BM25F.__init__

    def without_field_b(self: BM25F, *args: Any, **kwargs: Any) -> None:
        real_init(self, *args, **kwargs)
        del self._field_B

    monkeypatch.setattr(BM25F, "__init__", without_field_b)
    with pytest.raises(WhooshChangedError, match=r"whoosh\.scoring\.BM25F\(\)\._field_B"):
        check_whoosh()


def test_reader_decoding_that_disagrees_with_whooshs_matcher_is_refused(fresh_checks: None,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    real = postings.posting_blocks

    def shifted(m: Any) -> Iterator[tuple[Any, Any]]:
        for ids, weights in real(m):
            yield [i + 1 for i in ids], weights

    monkeypatch.setattr(postings, "posting_blocks", shifted)
    with pytest.raises(WhooshChangedError, match=r"posting_blocks reads .* Whoosh's matcher reads"):
        check_whoosh()


def test_a_segment_written_unlike_whooshs_is_refused(fresh_checks: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from array import array

    real = segwriter._write_term

    def doubled(fw: Any, btext: bytes, docs: Any, weights: Any, *rest: Any) -> None:
        real(fw, btext, docs, array("f", [2 * w for w in weights]), *rest)

    monkeypatch.setattr(segwriter, "_write_term", doubled)
    with pytest.raises(WhooshChangedError, match="written by FastSegmentWriter reads back differently"):
        check_whoosh()


def test_ranking_that_disagrees_with_whooshs_scores_is_refused(fresh_checks: None,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from indexer.whoosh_engine.reader import ranking

    real = ranking.Scorer._norm_table
    monkeypatch.setattr(ranking.Scorer, "_norm_table", lambda self, field: [n * 1.01 for n in real(self, field)])
    with pytest.raises(WhooshChangedError, match="BM25F ranking of a term"):
        check_whoosh()


def test_a_column_read_whole_that_differs_from_whooshs_is_refused(fresh_checks: None,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from indexer.whoosh_engine import columns

    real = columns.column_values
    monkeypatch.setattr(columns, "column_values", lambda leaf, name: real(leaf, name)[::-1])
    with pytest.raises(WhooshChangedError, match="in one piece"):
        check_whoosh()


class OpaqueColumn:
    """A column reader with no private attributes, as a Whoosh that renamed them would give."""

    def __init__(self, reader: Any) -> None:
        self._reader_ = reader

    def __len__(self) -> int:
        return len(self._reader_)

    def __getitem__(self, docnum: int) -> Any:
        return self._reader_[docnum]

    def __iter__(self) -> Any:
        return iter(self._reader_)


def test_columns_of_a_reader_without_its_private_attributes_are_read_value_by_value(
        fresh_checks: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    from whoosh.reading import SegmentReader

    real = SegmentReader.column_reader

    def opaque(self: Any, fieldname: str, column: Any = None, reverse: bool = False, translate: bool = True) -> Any:
        found = real(self, fieldname, column, reverse, translate)
        return found if translate else OpaqueColumn(found)

    monkeypatch.setattr(SegmentReader, "column_reader", opaque)
    with caplog.at_level(logging.WARNING, logger="indexer.whoosh_engine.selfcheck"):
        check_whoosh()  # the same values, value by value: no error
    assert "columns (columns.column_values)" in caplog.text


class PublicOnly:
    """A posting matcher with its private attributes hidden, as a Whoosh that renamed them would give."""

    def __init__(self, matcher: Any) -> None:
        self._matcher = matcher

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._matcher, name)


def test_the_readers_public_api_fallbacks_pass_with_a_warning(fresh_checks: None, monkeypatch: pytest.MonkeyPatch,
                                                              caplog: pytest.LogCaptureFixture) -> None:
    real = postings.leaf_matcher
    hidden = []

    def public(leaf: Any, field: str, text: str) -> PublicOnly:
        hidden.append(text)
        return PublicOnly(real(leaf, field, text))

    monkeypatch.setattr(postings, "leaf_matcher", public)
    monkeypatch.setattr(matching, "leaf_matcher", public)
    with caplog.at_level(logging.WARNING, logger="indexer.whoosh_engine.selfcheck"):
        check_whoosh()  # right answers from the slow paths: no error
    assert hidden
    assert "posting blocks (postings.posting_blocks)" in caplog.text
    assert "position keys (postings.BlockIndex)" in caplog.text


# -- the CLI and the web app's door run the checks -------------------------------------------------
def test_a_failed_check_stops_tracuu_index_and_search_in_one_line(tmp_path: Path, fresh_checks: None,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "d"
    record = {"url": "http://sct.test/1", "title": "Hội nghị", "body": "Hội nghị tổng kết.", "site": "sct"}
    runner = CliRunner()
    assert runner.invoke(cli, ["--data-dir", str(data), "-q", "import", "-"], input=json.dumps(record)).exit_code == 0
    monkeypatch.delattr(SegmentWriter, "_finalize_segment")
    for command in (["index"], ["search", "hội nghị"]):
        result = runner.invoke(cli, ["--data-dir", str(data), "-q", *command])
        assert result.exit_code == 1, command
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        assert "Whoosh self-check failed" in result.stderr and "Whoosh==2.7.4" in result.stderr
    assert not (data / "index").exists()  # refused before any index is touched
    with pytest.raises(WhooshChangedError):
        open_search(EngineConfig(data))


def test_a_failed_analysis_check_stops_open_search(tmp_path: Path, fresh_checks: None,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # indexing folds character by character: a character that no longer decomposes (what a Unicode change
    # could do) stays marked in the index while queries fold it
    broken = analysis._CharFolds()
    broken[ord("ộ")] = "ộ"
    monkeypatch.setattr(analysis, "_CHAR_FOLDS", broken)
    with pytest.raises(AnalysisChangedError, match=r"'hoi nghi' searches for \['hoi', 'nghi'\], 'Hội nghị' is "
                                                   r"indexed as \['hội', 'nghi'\]"):
        open_search(EngineConfig(tmp_path))


# -- underthesea ----------------------------------------------------------------------------------
def test_segmenter_agrees_with_underthesea_on_its_check_sentences() -> None:
    from underthesea import word_tokenize

    fast = segmenter.default_segmenter()  # loaded (and checked) once per process
    assert fast is not None
    assert [fast.segment(s) for s in segmenter.CHECK_SENTENCES] == [word_tokenize(s) for s in segmenter.CHECK_SENTENCES]
    assert any(" " in w for s in segmenter.CHECK_SENTENCES for w in fast.segment(s))  # words, not syllables


def test_a_segmenter_that_differs_from_underthesea_falls_back_to_word_tokenize(
        fresh_segmenter: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    real = segmenter.Segmenter.segment

    def merged(self: segmenter.Segmenter, paragraph: str) -> list[str]:
        words = real(self, paragraph)
        return [f"{words[0]} {words[1]}", *words[2:]] if len(words) > 1 else words

    monkeypatch.setattr(segmenter.Segmenter, "segment", merged)
    with caplog.at_level(logging.WARNING, logger="indexer.analysis.segmenter"):
        assert segmenter.default_segmenter() is None
    assert "word 1 is 'Sáng ngày' here and 'Sáng' in underthesea" in caplog.text
    assert analysis.words("Sáng ngày hội nghị tổng kết") == ["hội_nghị", "tổng_kết"]  # underthesea's own words


# -- the segmentation cache -----------------------------------------------------------------------
def test_segmentations_of_other_underthesea_versions_are_never_found(tmp_path: Path) -> None:
    path = tmp_path / "segments.sqlite3"
    with SegmentCache(path, versions="9.5.0+3.3.2") as cache:
        cache.put("h1", "hội_nghị tổng_kết")
    with SegmentCache(path, versions="9.5.0+3.3.2") as cache:
        assert cache.get_many(["h1"]) == {"h1": "hội_nghị tổng_kết"}
    with SegmentCache(path, versions="9.6.0+3.3.2") as cache:
        assert cache.get_many(["h1"]) == {}
        assert cache.missing(["h1"]) == {"h1"}
        cache.put("h1", "hội nghị tổng_kết")
    with SegmentCache(path, versions="9.5.0+3.4.0") as cache:  # underthesea_core alone counts too
        assert cache.get_many(["h1"]) == {}


def test_opening_the_cache_drops_other_versions_entries(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "segments.sqlite3"
    with SegmentCache(path, versions="old") as cache:
        cache.put("h1", "a_b")
        cache.put("h2", "c_d")
    with SegmentCache(path, versions="new") as cache:
        cache.put("h3", "e_f")
    with sqlite3.connect(path) as conn:
        keys = [key for (key,) in conn.execute("SELECT key FROM tokens")]
    assert len(keys) == 1 and keys[0].endswith(":new:h3")
    with SegmentCache(path, versions="old") as cache:  # going back costs a segmentation, nothing worse
        assert cache.missing(["h1", "h2"]) == {"h1", "h2"}


def test_the_cache_is_keyed_by_the_installed_segmenter_versions(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from importlib import metadata

    installed = f"{metadata.version('underthesea')}+{metadata.version('underthesea_core')}"
    assert segcache.segmenter_versions() == installed
    path = tmp_path / "segments.sqlite3"
    with SegmentCache(path) as cache:
        cache.put("h1", "hội_nghị")
    with SegmentCache(path, versions=installed) as cache:
        assert cache.get_many(["h1"]) == {"h1": "hội_nghị"}
    monkeypatch.setattr(segcache, "segmenter_versions", lambda: "10.0.0+4.0.0")
    with SegmentCache(path) as cache:
        assert cache.get_many(["h1"]) == {}
