"""Searching a real Whoosh index built from our own small corpus: matching, ranking, facets, safety."""

from __future__ import annotations

from collections import Counter

import pytest

from indexer.engine import InvalidParameter, SearchRequest
from indexer.whoosh_engine.reader.search import SearchIndex
from tests.corpus import ARTICLES


@pytest.fixture
def index(make_index) -> SearchIndex:  # type: ignore[no-untyped-def]
    return make_index(ARTICLES)


def ids(index: SearchIndex, q: str, **kw: object) -> list[str]:
    return [h.id for h in index.search(SearchRequest(q=q, per_page=50, **kw)).results]


@pytest.mark.parametrize("q", ["hội nghị tổng kết", "hoi nghi tong ket", "HỘI NGHỊ TỔNG KẾT", "hoi nghi tổng kết"])
def test_meeting_first_with_or_without_diacritics(index: SearchIndex, q: str) -> None:
    assert ids(index, q)[0] == "t1"


def test_both_tone_conventions_meet(index: SearchIndex) -> None:
    assert ids(index, "hoà giải")[0] == "t3" and ids(index, "hòa giải")[0] == "t3"
    assert "t4" in ids(index, "thủy lợi") and "t4" in ids(index, "thuỷ lợi")


def test_exact_diacritics_rank_above_folded_matches(index: SearchIndex) -> None:
    found = ids(index, "hồ")
    assert found[0] == "t4" and {"t5", "t6"} <= set(found)  # hộ and hổ still found, below hồ
    assert ids(index, "hổ")[0] == "t6"


def test_all_words_must_match(index: SearchIndex) -> None:
    assert ids(index, "hội nghị sơ kết") == ["t8"]


def test_phrase_exclusion_and_title_prefix(index: SearchIndex) -> None:
    assert ids(index, '"cụm công nghiệp"') == ["t10"]
    assert "t8" not in ids(index, "hội nghị -2021") and "t1" in ids(index, "hội nghị -2021")
    assert ids(index, "title:thi đua")[0] in {"t1", "t11"}
    assert set(ids(index, "title:khuyến")) == set()  # khuyến công is in bodies, not titles


def test_document_numbers_are_searchable(index: SearchIndex) -> None:
    assert ids(index, "15/2003/QH11") == ["t7"]
    assert ids(index, "1234/QĐ-UBND")[0] == "t7"


def test_stopwords_never_empty_a_query(index: SearchIndex) -> None:
    assert ids(index, "của")  # a query of stopwords alone still matches
    assert ids(index, "các tập thể")[0] == "t11"


def test_typo_gets_a_suggestion_and_is_used_when_nothing_matches(index: SearchIndex) -> None:
    res = index.search(SearchRequest(q="hôi nghị tổng kết"))
    assert res.suggestion == "hội nghị tổng kết"
    res = index.search(SearchRequest(q="khuyến côg"))
    assert res.suggestion == "khuyến công" and res.total > 0 and res.notice


def test_accentless_query_gets_no_suggestion(index: SearchIndex) -> None:
    assert index.search(SearchRequest(q="hoi nghi tong ket")).suggestion is None


def test_filters_narrow_and_facets_match_brute_force(index: SearchIndex) -> None:
    everything = index.search(SearchRequest(q="", year="2021", per_page=50))
    assert everything.total == sum(1 for a in ARTICLES if a.year == 2021)
    res = index.search(SearchRequest(q="công", per_page=50))
    filtered = index.search(SearchRequest(q="công", year="2021", department="Văn phòng", per_page=50))
    assert 0 < filtered.total < res.total
    hits = {h.id for h in filtered.results}
    by_id = {a.id: a for a in ARTICLES}
    assert all(by_id[i].year == 2021 and by_id[i].department == "Văn phòng" for i in hits)
    for name in ("year", "department"):
        counted = {f.value: f.count for f in res.facets[name]}
        brute = Counter(str(getattr(by_id[h.id], name)) for h in res.results)
        assert counted == dict(brute)


def test_date_range_and_newest_sort(index: SearchIndex) -> None:
    res = index.search(SearchRequest.from_params({"q": "", "from": "2021-01-01", "to": "2021-06-30",
                                                  "sort": "newest", "per_page": "50"}))
    dates = [h.published[:10] for h in res.results]
    assert dates == sorted(dates, reverse=True) and all("2021-01-01" <= d <= "2021-06-30" for d in dates)
    assert res.total == 3


def test_snippet_marks_the_original_words_for_a_folded_query(index: SearchIndex) -> None:
    hit = index.search(SearchRequest(q="hoa giai")).results[0]
    assert "<mark>hoà</mark> <mark>giải</mark>" in hit.snippet


def test_html_in_articles_is_escaped(index: SearchIndex) -> None:
    hit = index.search(SearchRequest(q="giả mạo")).results[0]
    assert "<script>" not in hit.title_html and "&lt;script&gt;" in hit.title_html
    assert "<script>" not in hit.snippet and "<b>" not in hit.snippet


@pytest.mark.parametrize("params", [{"year": "abc"}, {"page": "-1"}, {"page": "x"}, {"per_page": "0"},
                                    {"sort": "random"}, {"from": "18/01/2019"}])
def test_invalid_parameters_are_refused_with_a_message(params: dict[str, str]) -> None:
    with pytest.raises(InvalidParameter) as exc:
        SearchRequest.from_params({"q": "x", **params})
    assert exc.value.name in params and str(exc.value)


@pytest.mark.parametrize(("q", "searchable"), [('"unbalanced', True), ("-", False), ("😀", False),
                                               ("x" * 10_000, True), ("\x00", False), ("title:", True),
                                               ("của và các", True)])
def test_hostile_queries_get_an_answer(index: SearchIndex, q: str, searchable: bool) -> None:
    """A query with words is searched; one with none says why and lists everything (newest first)."""
    res = index.search(SearchRequest(q=q))
    if searchable:
        assert res.error is None
    else:
        assert res.error and "không có từ nào để tìm" in res.error
        assert res.total == index.doc_count()
    assert len(res.results) == min(res.total, 10)
