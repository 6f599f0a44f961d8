"""Bitset matching and two-stage ranking give Whoosh's own answers: same matches, same scores, same order.

Checked on a real index of two segments (an incremental update, with one article replaced, so the first
segment has a deletion and docnums are offset), against Whoosh's matchers on the same queries.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from whoosh import query as Q

import indexer.whoosh_engine.reader.matching as matching
import indexer.whoosh_engine.reader.postings as postings
import indexer.whoosh_engine.reader.ranking as ranking
from indexer.engine import SearchRequest
from indexer.engine.query import parse_query
from indexer.whoosh_engine.reader.matching import LRU, IndexView, docnums, iter_bits, match_bits, phrase_docs, set_bits
from indexer.whoosh_engine.reader.queries import build_query, filter_query
from indexer.whoosh_engine.reader.ranking import compile_query, rank
from indexer.whoosh_engine.reader.search import SearchIndex
from tests.conftest import two_commit_index
from tests.corpus import ARTICLES

QUERIES = [
    "hội nghị tổng kết", "hoi nghi tong ket", "hoi nghi", "công", "cong tac", "thủy lợi", "thuỷ lợi",
    '"hội nghị"', '"tong ket"', "title:hội nghị", 'title:"hội nghị"', "hội nghị -khen", '-"tổng kết" hội',
    "của và các", "15/2003/QH11", "hoà giải cơ sở", "nghị tổng", "khen thưởng năm 2021", "xyzzy",
    '"hoi nghi tong ket"', '"nghị hội"', '"hội hội"', '"tổng kết" "hội nghị"',
]
FILTERS: list[dict[str, Any]] = [{}, {"year": "2021"}, {"department": "Văn phòng"},
                                 {"date_from": "2021-01-01", "date_to": "2021-12-31"}]


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    """Two commits: the second adds a segment and replaces an article of the first (a deletion)."""
    idx = two_commit_index(tmp_path_factory.mktemp("matching"))
    yield idx
    idx.close()


def _view(index: SearchIndex) -> tuple[Any, IndexView, Any]:
    return index._generation()


def _request(q: str, filters: dict[str, Any]) -> SearchRequest:
    params = {"q": q, **{("from" if k == "date_from" else "to" if k == "date_to" else k): v
                         for k, v in filters.items()}}
    return SearchRequest.from_params(params)


def _final(request: SearchRequest) -> Q.Query:
    parsed = parse_query(request.q)
    base = Q.Every() if parsed.is_empty else build_query(parsed)
    filt = filter_query(request)
    return Q.And([base, filt]) if filt is not None else base


def test_the_index_under_test_has_two_segments_and_a_deletion(index: SearchIndex) -> None:
    searcher, view, _scorer = _view(index)
    assert len(view.leaves) == 2 and any(leaf.has_deletions() for leaf, _ in view.leaves)
    assert view.live.bit_count() == searcher.doc_count() == len(ARTICLES)


def test_bitsets_round_trip() -> None:
    docs = [0, 7, 8, 63, 64, 1000]
    assert docnums(set_bits(reversed(docs), 1001)) == docs
    assert list(iter_bits(0)) == []


@pytest.mark.parametrize("frequencies", ["counts", "fractions", "large counts"])
def test_distinct_pairs_number_the_pairs_as_a_sort_of_them_would(frequencies: str) -> None:
    rng = np.random.default_rng(7)
    n = 5000
    tfs = {"counts": rng.geometric(0.4, n).astype(np.float64),
           "fractions": rng.choice([0.5, 1.0, 1.25, 2.0, 7.75], n),
           "large counts": rng.geometric(0.001, n).astype(np.float64) + ranking.MAX_WHOLE_RANK}[frequencies]
    lengths = rng.integers(0, 256, n).astype(np.uint8)
    distinct, where = ranking.distinct_pairs(tfs, lengths)
    expected, expected_where = np.unique(tfs + 1j * lengths, return_inverse=True)
    assert distinct.tolist() == expected.tolist() and where.tolist() == expected_where.tolist()


@pytest.mark.parametrize("by_table", [0, 10**9], ids=["sorted", "over-a-table"])
def test_folded_variants_merge_the_same_by_sort_or_by_table(index: SearchIndex, by_table: int,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A folded term's postings (its exact variants' summed) are Whoosh's, whichever way they are merged."""
    monkeypatch.setattr(matching, "MERGE_BY_TABLE", by_table)
    searcher, _cached, _scorer = _view(index)
    view = IndexView(searcher)  # fresh caches
    for text in ("hoi", "nghi", "tong", "ket", "nam"):
        docs, weights = view.term_postings("body_f", text)
        m = searcher.postings("body_f", text)
        theirs = {}
        while m.is_active():
            theirs[m.id()] = m.weight()
            m.next()
        live = set(docnums(view.live))
        assert {d: w for d, w in zip(docs.tolist(), weights.tolist(), strict=True) if d in live} == theirs


def test_lru_evicts_by_weight() -> None:
    cache = LRU(10, weigh=len)
    cache.get("a", lambda: "x" * 6)
    cache.get("b", lambda: "y" * 6)  # over 10: "a" goes
    assert cache.peek("a") is None and cache.peek("b") == "yyyyyy"
    assert cache.get("b", lambda: "rebuilt") == "yyyyyy"


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: ",".join(f) or "none")
@pytest.mark.parametrize("q", QUERIES)
def test_matches_equal_whooshs(index: SearchIndex, q: str, filters: dict[str, Any]) -> None:
    searcher, view, _scorer = _view(index)
    final = _final(_request(q, filters))
    assert docnums(match_bits(view, final)) == sorted(searcher.docs_for_query(final))


def _whoosh_top(searcher: Any, query: Q.Query, limit: int) -> list[tuple[float, int]]:
    """Whoosh scoring every match (no top-N pruning, which drops some optional boosts): (score, docnum)."""
    hits = searcher.search(query, limit=None, terms=False)
    return sorted(((h.score, h.docnum) for h in hits), key=lambda sd: (-sd[0], sd[1]))[:limit]


@pytest.mark.parametrize(("dense_fraction", "narrow_keys"),
                         [(ranking.DENSE_FRACTION, ranking.NARROW_KEYS), (ranking.DENSE_FRACTION, 0),
                          (0, ranking.NARROW_KEYS)], ids=["dense-tables", "wide-dense-tables", "sparse-tables"])
@pytest.mark.parametrize("cheap_fraction", [1, 10**9], ids=["phrases-up-front", "phrases-in-stage-2"])
@pytest.mark.parametrize("q", QUERIES)
def test_ranking_equals_whooshs_scores_and_order(index: SearchIndex, q: str, cheap_fraction: int, dense_fraction: int,
                                                 narrow_keys: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every term's scores in a Dense table (as the corpus's few documents make them, with 1-byte keys; or
    with 2-byte keys, as terms with more distinct pairs have) or in a Sparse one."""
    monkeypatch.setattr(ranking, "CHEAP_FRACTION", cheap_fraction)
    monkeypatch.setattr(ranking, "BATCH", 2)  # several rounds of stage 2 even on a small corpus
    monkeypatch.setattr(ranking, "DENSE_FRACTION", dense_fraction)
    monkeypatch.setattr(ranking, "NARROW_KEYS", narrow_keys)
    searcher, _cached, _scorer = _view(index)
    view = IndexView(searcher)  # fresh caches: no table built under the other setting
    scorer = ranking.Scorer(view)
    final = _final(_request(q, {}))
    bits = match_bits(view, final)
    theirs = _whoosh_top(searcher, final, 5)
    for _first_then_again in range(2):  # the second time, from the cached score arrays
        ours = rank(scorer, compile_query(view, final), bits, 5)
        assert [d for _s, d in ours] == [d for _s, d in theirs]
        assert [s for s, _d in ours] == pytest.approx([s for s, _d in theirs], rel=1e-9)


def test_a_union_with_a_correction_scores_each_side_where_it_matches(index: SearchIndex) -> None:
    searcher, view, scorer = _view(index)
    query = Q.Or([build_query(parse_query("hội nghị")), Q.And([build_query(parse_query("thủy lợi")),
                                                                 Q.Term("year", "2021")])])
    ours = rank(scorer, compile_query(view, query), match_bits(view, query), 10)
    theirs = _whoosh_top(searcher, query, 10)
    assert [d for _s, d in ours] == [d for _s, d in theirs]
    assert [s for s, _d in ours] == pytest.approx([s for s, _d in theirs], rel=1e-9)


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: ",".join(f) or "none")
@pytest.mark.parametrize("q", ["", "hoi nghi", "công", '"tổng kết"'])
def test_totals_and_facets_equal_a_brute_force_count(index: SearchIndex, q: str, filters: dict[str, Any]) -> None:
    searcher, _view_, _scorer = _view(index)
    request = _request(q, filters)
    found = list(searcher.docs_for_query(_final(request)))
    res = index.search(request)
    assert res.total == len(found)
    for name, values in res.facets.items():
        brute = Counter(str(searcher.stored_fields(d).get(name) or "") for d in found)
        brute.pop("", None)
        assert {v.value: v.count for v in values} == dict(brute)


@pytest.mark.parametrize("q", ["", "công"])
def test_newest_first_equals_whooshs_sort(index: SearchIndex, q: str) -> None:
    searcher, _view_, _scorer = _view(index)
    request = _request(q, {})
    hits = searcher.search(_final(request), limit=None, sortedby="pubdate", reverse=True, terms=False)
    ours = index.search(replace(request, sort="newest", per_page=50))
    assert [h.id for h in ours.results] == [h["id"] for h in hits]


def test_pages_continue_the_same_order(index: SearchIndex) -> None:
    everything = [h.id for h in index.search(SearchRequest(q="công", per_page=50)).results]
    paged = [h.id for page in (1, 2, 3) for h in index.search(SearchRequest(q="công", per_page=2, page=page)).results]
    assert paged == everything[:6]


def test_newest_sorts_few_matches_and_walks_the_date_order_for_many(index: SearchIndex) -> None:
    from indexer.whoosh_engine.reader.search import _newest

    _searcher, view, _scorer = _view(index)
    dates = view.pubdates()
    every = [d for d in range(view.n) if view.live >> d & 1]
    expected = sorted(every, key=lambda d: (dates[d], d), reverse=True)
    assert _newest(view, view.live, 5) == expected[:5]  # many matches: the precomputed date order
    few = set_bits(expected[-1:], view.n)
    assert _newest(view, few, 5) == expected[-1:]  # one match: sorted directly


def test_concurrent_searches_answer_as_sequential_ones(index: SearchIndex) -> None:
    from concurrent.futures import ThreadPoolExecutor

    requests = [_request(q, f) for q in QUERIES[:10] for f in FILTERS[:2]]
    fresh = SearchIndex(index.index_path, index.archive_path)  # cold caches: the threads build them together
    try:
        with ThreadPoolExecutor(4) as pool:
            together = list(pool.map(lambda r: fresh.search(r).to_json(), requests))
    finally:
        fresh.close()
    assert together == [index.search(r).to_json() for r in requests]


@pytest.mark.parametrize("slice_below", [0, 10**9], ids=["per-document-slices", "whole-blocks"])
def test_phrase_checks_agree_whether_blocks_are_read_whole_or_sliced(index: SearchIndex, slice_below: int,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Positions come as whole blocks or, for a few documents of a block, as their slices: same answers."""
    monkeypatch.setattr(postings, "SLICE_BELOW", slice_below)
    searcher, _cached, _scorer = _view(index)
    view = IndexView(searcher)  # fresh caches: nothing verified before under the other setting
    for words in (["hoi", "nghi"], ["tong", "ket"], ["nghi", "hoi"], ["hoi", "hoi"], ["hoi", "nghi", "tong", "ket"]):
        whoosh = sorted(searcher.docs_for_query(Q.Phrase("body_f", words)))
        candidates = docnums(view.live)
        assert phrase_docs(view, "body_f", words, candidates) == whoosh
        one_by_one = [d for d in candidates if phrase_docs(view, "body_f", words, [d])]  # as ranking's stage 2
        assert one_by_one == whoosh


def _rank_titles_first(index: SearchIndex, q: str, filters: dict[str, Any], monkeypatch: pytest.MonkeyPatch,
                       pruned: list[str]) -> tuple[list[tuple[float, int]], list[tuple[float, int]]]:
    """Our top 2 with title-first pruning tried on every query (noting the queries it answered), and Whoosh's."""
    monkeypatch.setattr(ranking, "PRUNE_FROM", 0)
    real = ranking._title_first

    def recording(*args: Any) -> Any:
        found = real(*args)
        if found is not None:
            pruned.append(q)
        return found

    monkeypatch.setattr(ranking, "_title_first", recording)
    searcher, view, scorer = _view(index)
    final = _final(_request(q, filters))
    bits = match_bits(view, final)
    return rank(scorer, compile_query(view, final), bits, 2), _whoosh_top(searcher, final, 2)


@pytest.mark.parametrize("filters", FILTERS[:2], ids=lambda f: ",".join(f) or "none")
@pytest.mark.parametrize("q", QUERIES)
def test_ranking_titles_first_gives_whooshs_top(index: SearchIndex, q: str, filters: dict[str, Any],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """With title-first pruning tried on every query: Whoosh's top when it applies, else the full ranking."""
    ours, theirs = _rank_titles_first(index, q, filters, monkeypatch, [])
    assert [d for _s, d in ours] == [d for _s, d in theirs]
    assert [s for s, _d in ours] == pytest.approx([s for s, _d in theirs], rel=1e-9)


def test_title_first_pruning_is_taken_by_some_queries(index: SearchIndex, monkeypatch: pytest.MonkeyPatch) -> None:
    """The comparison above tests the pruned path only if some queries take it."""
    pruned: list[str] = []
    for q in QUERIES:
        for filters in FILTERS[:2]:
            _rank_titles_first(index, q, filters, monkeypatch, pruned)
    assert len(set(pruned)) >= 2, pruned


def test_posting_blocks_read_every_block_of_a_long_list_deleted_documents_included(tmp_path: Any) -> None:
    """A term's postings in many blocks, read in one piece: Whoosh's own postings, plus the deleted documents
    its matcher skips before the first live one (the reader masks deleted documents itself)."""
    from whoosh import fields, index

    ix = index.create_in(str(tmp_path), fields.Schema(id=fields.ID(stored=True), body=fields.TEXT))
    with ix.writer() as w:
        for i in range(700):
            w.add_document(id=str(i), body="hoi nghi " * (1 + i % 3) + f"n{i}")
    with ix.writer() as w:
        for i in range(300):
            w.delete_by_term("id", str(i))
    with ix.reader() as reader:
        (leaf, _offset), = reader.leaf_readers()
        raw = postings.leaf_matcher(leaf, "body", "hoi")
        assert all(hasattr(raw, a) for a in postings.W3_BLOCKS)  # the blocks are parsed, not Whoosh's matcher
        blocks = list(postings.posting_blocks(raw))
        assert len(blocks) > 3
        ids = [d for ids, _ws in blocks for d in ids]
        weights = [w for _ids, ws in blocks for w in ws]
        assert ids == list(range(700))
        assert weights == [float(1 + i % 3) for i in range(700)]
        m = leaf.postings("body", "hoi")  # Whoosh's, deletions applied
        live = []
        while m.is_active():
            live.append((m.id(), m.weight()))
            m.next()
        assert live == list(zip(ids, weights, strict=True))[300:]
