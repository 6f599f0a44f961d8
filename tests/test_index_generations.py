"""One long-lived SearchIndex across commits answers as a fresh one: per-segment caches stay right.

The same instance searches before and after each commit (an add, an update = delete + add, a delete, a
merge of small segments), with its caches warm; a fresh SearchIndex on the same generation is the reference.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from archive import Archive
from indexer.engine import SearchRequest
from indexer.whoosh_engine.reader.leafdata import segment_id
from indexer.whoosh_engine.reader.search import SearchIndex
from indexer.whoosh_engine.writer.build import MAX_SMALL_SEGMENTS, update_index
from tests.corpus import ARTICLES

QUERIES = ["hội nghị tổng kết", "hoi nghi", "công", "thủy lợi", '"hội nghị"', "title:hội nghị",
           "hội nghị -khen", "của và các", "khen thưởng năm 2021", "tập huấn lại", "hôi nghị", "thah tra", ""]
REQUESTS = [SearchRequest(q=q, per_page=100, **extra) for q in QUERIES
            for extra in ({}, {"year": "2021"}, {"sort": "newest"}, {"date_from": date(2020, 1, 1)})]


def _answers(index: SearchIndex) -> list[dict[str, Any]]:
    """Every request's JSON (total, facets, order) and its exact scores, plus related articles."""
    out = []
    for request in REQUESTS:
        response = index.search(request)
        out.append({**response.to_json(), "exact": [(h.id, h.score) for h in response.results]})
    searcher, view, scorer = index._generation()
    out.append({"related": [(h.id, h.score) for h in index.more_like_this(ARTICLES[0].id)]})
    out.append({"live": view.live, "n": view.n, "pubdates": view.pubdates(),
                "phrase": view.phrase_bits("body_f", ["hoi", "nghi"]), "term": view.term_bits("body_f", "hoi"),
                "postings": [list(a) for a in view.term_postings("body_f", "hoi")]})
    return out


def _commit(data: Path, *, upsert: list[Any] = (), delete: list[str] = ()) -> None:
    with Archive(data / "archive.sqlite3") as archive:
        for article in upsert:
            archive.upsert(article, commit=False)
        for article_id in delete:
            archive.delete(article_id)
        archive.commit()
        update_index(archive, data / "index", data / "segments.sqlite3", workers=1)


def _check(data: Path, warm: SearchIndex) -> None:
    fresh = SearchIndex(data / "index", data / "archive.sqlite3")
    try:
        assert _answers(warm) == _answers(fresh)
    finally:
        fresh.close()


def _first_segment_stays(monkeypatch: pytest.MonkeyPatch) -> None:
    """The first segment (6 articles) counts as big, so it stays as it is when the small ones merge, as a big one
    would; every later commit writes a compound segment."""
    from indexer.whoosh_engine.writer import build

    monkeypatch.setattr(build, "SMALL_SEGMENT", 6)
    monkeypatch.setattr(build, "_compound", lambda ix, adding: True)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    _commit(tmp_path, upsert=ARTICLES[:6])
    return tmp_path


def test_a_warm_index_answers_as_a_fresh_one_after_each_kind_of_commit(data: Path) -> None:
    warm = SearchIndex(data / "index", data / "archive.sqlite3")
    try:
        _answers(warm)  # warm every cache on the first generation
        first = [segment_id(leaf) for leaf, _ in warm._generation()[1].leaves]

        _commit(data, upsert=ARTICLES[6:])  # add: a new segment
        _check(data, warm)
        view = warm._generation()[1]
        assert [segment_id(leaf) for leaf, _ in view.leaves][:len(first)] == first
        assert len(view.leaves) == len(first) + 1

        _commit(data, upsert=[replace(ARTICLES[0], body=ARTICLES[0].body + " Tập huấn lại hội nghị.")])
        _check(data, warm)  # update: a deletion in an old segment, the new version in a new one

        _commit(data, delete=[ARTICLES[2].id])
        _check(data, warm)  # delete only: no new segment, a changed deletion set
        view = warm._generation()[1]
        assert view.live == sum(1 << (offset + d) for leaf, offset in view.leaves
                                for d in range(leaf.doc_count_all()) if not leaf.is_deleted(d))

        for i in range(MAX_SMALL_SEGMENTS + 1):  # small commits pile up until they are merged
            _commit(data, upsert=[replace(ARTICLES[1 + i % 4], title=f"{ARTICLES[1 + i % 4].title} {i}")])
            _answers(warm)
        _check(data, warm)
        segments = {segment_id(leaf) for leaf, _ in warm._generation()[1].leaves}
        assert len(segments) <= MAX_SMALL_SEGMENTS
        data = warm._leafdata  # merged-away segments are forgotten
        assert {key[0] for key in data._tables} <= segments
        assert {key[0] for cache in (data.postings, data.phrases, data.blocks) for key in cache._data} <= segments
    finally:
        warm.close()


def test_unchanged_segments_are_not_read_again(data: Path) -> None:
    warm = SearchIndex(data / "index", data / "archive.sqlite3")
    try:
        _answers(warm)
        old = warm._generation()[1]
        column = old.data.table((old.segments[0], "column", "department"), list)
        _commit(data, upsert=ARTICLES[6:])
        new = warm._generation()[1]
        assert new is not old and new.data is old.data
        assert new.data.table((new.segments[0], "column", "department"), list) is column
    finally:
        warm.close()


def test_a_commit_extends_the_score_tables_instead_of_rebuilding_them(data: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from indexer.whoosh_engine.reader import ranking

    _first_segment_stays(monkeypatch)
    # tables of up to 3 pairs get 1-byte keys: some outgrow them with the new documents' pairs
    monkeypatch.setattr(ranking, "NARROW_KEYS", 3)
    warm = SearchIndex(data / "index", data / "archive.sqlite3")
    try:
        _answers(warm)
        old_scorer = warm._generation()[2]
        terms = [key for key in old_scorer._arrays._data if isinstance(old_scorer._arrays._data[key], ranking.Dense)]
        assert len(terms) > 20
        narrow = {key for key in terms if old_scorer._arrays._data[key].keys.typecode == "B"}
        assert narrow and len(narrow) < len(terms)
        _commit(data, upsert=ARTICLES[6:])  # a new segment after the old ones
        _commit(data, upsert=[replace(ARTICLES[0], body=ARTICLES[0].body + " Hội nghị tập huấn.")])  # and a deletion
        built: list[tuple[str, str]] = []
        real_build = ranking.Scorer._build
        monkeypatch.setattr(ranking.Scorer, "_build", lambda self, f, t: built.append((f, t)) or real_build(self, f, t))
        _searcher, view, scorer = warm._generation()
        assert scorer is not old_scorer and view.n > old_scorer.view.n
        fresh = ranking.Scorer(view)
        widened = []
        for key in terms:
            taken = scorer.term_array(*key)
            assert key not in built, key  # taken over from the generation before, not read again
            expected = real_build(fresh, *key)
            assert [taken[d] for d in range(view.n)] == [expected[d] for d in range(view.n)], key
            widened.append(key in narrow and taken.keys.typecode == "H")
        assert any(widened)  # a table whose pairs outgrew 1-byte keys kept its scores with 2-byte ones
        assert not any(key in scorer._older[0].caches[0]._data for key in terms)  # handed over, so not kept twice

        merged_at = None
        for i in range(MAX_SMALL_SEGMENTS + 2):  # small commits pile up until they are merged
            before = warm._generation()[1].segments
            _commit(data, upsert=[replace(ARTICLES[1 + i % 4], title=f"{ARTICLES[1 + i % 4].title} {i}")])
            _searcher, view, scorer = warm._generation()
            if merged_at is None and not set(before[1:]) <= set(view.segments):
                merged_at = i
                # the big ones kept
                assert view.segments[0] == before[0] and 0 < view.offset_of(scorer._older[0].kept) < view.n
                built.clear()
            fresh = ranking.Scorer(view)
            for key in terms:
                expected = real_build(fresh, *key)
                assert [scorer.term_array(*key)[d] for d in range(view.n)] == [expected[d] for d in range(view.n)]
            if merged_at == i:
                assert not set(built) & set(terms)  # extended from the kept segment, even after a merge
        assert merged_at is not None
    finally:
        warm.close()


def test_a_commit_scores_the_rare_terms_tables_anew_instead_of_reading_them_again(
        data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every term in a Sparse table (no term counts as common): after an add, an update and a merge of small
    segments, each table is taken over, the new segments' postings appended and every score recomputed, equal
    to a table built afresh for the new generation."""
    from indexer.whoosh_engine.reader import ranking

    _first_segment_stays(monkeypatch)
    monkeypatch.setattr(ranking, "DENSE_FRACTION", 0)
    warm = SearchIndex(data / "index", data / "archive.sqlite3")
    try:
        _answers(warm)
        terms = [key for key, table in warm._generation()[2]._arrays._data.items()
                 if isinstance(table, ranking.Sparse) and table.tfs is not None]
        assert len(terms) > 20
        first = {key: warm._generation()[2]._arrays._data[key] for key in terms}
        built: list[tuple[str, str]] = []
        real_build = ranking.Scorer._build
        monkeypatch.setattr(ranking.Scorer, "_build", lambda self, f, t: built.append((f, t)) or real_build(self, f, t))
        commits = [dict(upsert=ARTICLES[6:]),  # a new segment after the old ones
                   dict(upsert=[replace(ARTICLES[0], body=ARTICLES[0].body + " Hội nghị tập huấn.")]),  # a deletion
                   *(dict(upsert=[replace(ARTICLES[1 + i % 4], title=f"{ARTICLES[1 + i % 4].title} {i}")])
                     for i in range(MAX_SMALL_SEGMENTS + 2))]  # small segments, merged when they pile up
        for commit in commits:
            _commit(data, **commit)
            built.clear()
            _searcher, view, scorer = warm._generation()
            assert 0 < view.offset_of(scorer._older[0].kept) < view.n
            taken = {key: scorer.term_array(*key) for key in terms}
            assert not set(built) & set(terms)  # taken over, not read again
            fresh = ranking.Scorer(view)
            for key, table in taken.items():
                expected = real_build(fresh, *key)
                assert (list(table.docs), list(table.scores)) == (list(expected.docs), list(expected.scores)), key
        assert any(len(taken[key]) > len(first[key]) for key in terms)  # the new segments' documents appended
    finally:
        warm.close()


def test_tables_are_taken_over_from_generations_that_did_not_use_them(data: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A term scored before three commits and not searched between them is still taken over, not read again:
    its score table, its bitset and its phrases' bitsets."""
    from indexer.whoosh_engine.reader import ranking
    from indexer.whoosh_engine.reader.matching import IndexView

    warm = SearchIndex(data / "index", data / "archive.sqlite3")
    try:
        _answers(warm)
        first = warm._generation()[1]
        bitsets = [key for key in first._terms._data if key[0] == "t"]
        phrases = list(first._phrases._data)
        assert len(bitsets) > 10 and phrases
        tables = warm._generation()[2]._arrays._data
        terms = [key for key, table in tables.items() if isinstance(table, ranking.Dense | ranking.Sparse)
                 and getattr(table, "tfs", ()) is not None]
        assert len(terms) > 20
        for i in range(3):
            _commit(data, upsert=[replace(ARTICLES[1 + i], title=f"{ARTICLES[1 + i].title} {i}")])
            warm._generation()  # a generation opened and left unsearched
        built: list[tuple[str, str]] = []
        real_build = ranking.Scorer._build
        monkeypatch.setattr(ranking.Scorer, "_build", lambda self, f, t: built.append((f, t)) or real_build(self, f, t))
        _searcher, view, scorer = warm._generation()
        assert len(scorer._older) >= 3
        fresh = ranking.Scorer(view)
        for key in terms:
            taken = scorer.term_array(*key)
            expected = real_build(fresh, *key)
            assert [taken[d] for d in range(view.n)] == [expected[d] for d in range(view.n)], key
        assert not set(built) & set(terms)
        starts: list[int] = []
        real_bits = IndexView._build_term_bits
        monkeypatch.setattr(IndexView, "_build_term_bits", lambda self, f, t, start=0: (
            self is view and starts.append(start)) or real_bits(self, f, t, start))
        fresh_view = IndexView(view.searcher)
        for _t, field, text in bitsets:
            assert view.term_bits(field, text) == fresh_view.term_bits(field, text), text
        for field, words in phrases:
            assert view.cached_phrase(field, list(words)) == fresh_view.phrase_bits(field, list(words)), words
        assert starts and 0 not in starts  # the kept segment's documents came from the first view's bitsets
    finally:
        warm.close()


def test_a_commit_carries_the_term_and_phrase_bitsets_over(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """After a commit (a new segment, a deletion in the old one), the bitsets the last view composed are taken
    over for the kept segment and only the new one is read: the same bitsets as a fresh view's."""
    from indexer.whoosh_engine.reader.matching import IndexView

    _first_segment_stays(monkeypatch)
    warm = SearchIndex(data / "index", data / "archive.sqlite3")
    try:
        _answers(warm)
        old = warm._generation()[1]
        terms = [key for key in old._terms._data if key[0] == "t"]  # (date ranges are rebuilt: one bisection)
        phrases = list(old._phrases._data)
        assert len(terms) > 10 and phrases
        _commit(data, upsert=ARTICLES[6:])
        _commit(data, upsert=[replace(ARTICLES[0], body=ARTICLES[0].body + " Hội nghị tập huấn.")])
        starts: list[tuple[bool, int]] = []
        real = IndexView._build_term_bits
        view = warm._generation()[1]

        def recording(self: IndexView, field: str, text: str, start: int = 0) -> int:
            starts.append((self is view, start))
            return real(self, field, text, start)

        monkeypatch.setattr(IndexView, "_build_term_bits", recording)
        assert view._older[0].kept == 1 and len(view.leaves) == 3 and view.live != (1 << view.n) - 1
        fresh = IndexView(view.searcher)
        for _t, field, text in terms:
            assert view.term_bits(field, text) == fresh.term_bits(field, text), text
        assert {start for mine, start in starts if mine} == {1}  # only the segments after the kept one read
        for field, words in phrases:
            assert view.cached_phrase(field, list(words)) == fresh.phrase_bits(field, list(words)), words
        assert not any(key in old._terms._data for key in terms) and not old._phrases._data  # not kept twice
    finally:
        warm.close()


def test_suggestions_from_the_segments_lexicons_equal_one_pass_over_the_index(data: Path) -> None:
    from indexer.engine.query import parse_query
    from indexer.engine.suggest import Suggester
    from indexer.whoosh_engine.reader.vocabulary import WhooshVocabulary

    _commit(data, upsert=ARTICLES[6:])
    index = SearchIndex(data / "index", data / "archive.sqlite3")
    try:
        searcher, _view, _scorer = index._generation()
        plain = Suggester(WhooshVocabulary(searcher.reader()))
        assert index._suggester.suggest(parse_query("hôi nghị"), total=0) == "hội nghị"
        for q in ("hôi nghị", "thah tra", "hoi nghi tong ket", "tap huan hoa giai", "kiêm tra"):
            for total in (0, 3):
                ours = index._suggester.suggest(parse_query(q), total=total)
                assert ours == plain.suggest(parse_query(q), total=total), q
    finally:
        index.close()


def test_lru_discard_keeps_the_weight_right() -> None:
    from indexer.whoosh_engine.reader.leafdata import LRU

    cache = LRU(100, len)
    for key in ("a", "b", "c"):
        cache.get((key, 1), lambda key=key: key * 10)
    cache.discard(lambda key: key[0] != "b")
    assert list(cache._data) == [("a", 1), ("c", 1)] and cache.weight == 20
