"""End-to-end ranking on a small corpus of our own: each case isolates one reason to rank first."""

from __future__ import annotations

import time

import pytest

from indexer.engine import SearchRequest
from indexer.engine.query import parse_query
from indexer.engine.snippets import make_snippet
from indexer.engine.suggest import Suggester
from indexer.whoosh_engine.reader.search import SearchIndex
from indexer.whoosh_engine.reader.vocabulary import WhooshVocabulary
from tests.conftest import index_articles
from tests.corpus import ARTICLES, RANKING_ARTICLES


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    """One index for the module: building it (segmentation included) is the slow part."""
    idx = index_articles(tmp_path_factory.mktemp("relevance"), [*ARTICLES, *RANKING_ARTICLES])
    yield idx
    idx.close()


def ids(index: SearchIndex, q: str) -> list[str]:
    return [h.id for h in index.search(SearchRequest(q=q, per_page=50)).results]


def first_of(index: SearchIndex, q: str, candidates: set[str]) -> str:
    return next(i for i in ids(index, q) if i in candidates)


@pytest.mark.parametrize("q", ["hòa bình", "hoà bình", "hoa binh"])
def test_a_whole_word_ranks_above_scattered_syllables(index: SearchIndex, q: str) -> None:
    assert first_of(index, q, {"r1", "r2"}) == "r1"


@pytest.mark.parametrize("q", ["an toàn thực phẩm", "an toan thuc pham"])
def test_a_title_match_ranks_above_a_body_match(index: SearchIndex, q: str) -> None:
    assert first_of(index, q, {"r3", "r4"}) == "r3"


@pytest.mark.parametrize("q", ["hồ chí minh", "Hồ Chí Minh", "ho chi minh"])
def test_a_name_typed_in_lower_case_still_ranks_first(index: SearchIndex, q: str) -> None:
    assert first_of(index, q, {"r5", "r6"}) == "r5"


def test_syllables_inside_a_segmented_name_are_found(index: SearchIndex) -> None:
    assert "r7" in ids(index, "nhân dân")  # underthesea makes one token of "Ủy_ban_nhân_dân"


def test_a_wrong_tone_is_corrected_from_the_archive_words(index: SearchIndex) -> None:
    res = index.search(SearchRequest(q="phong trào thi đùa"))
    assert res.suggestion == "phong trào thi đua"
    assert res.results and res.results[0].id in {"r8", "t11"}


def test_a_suggestion_keeps_quotes_exclusions_and_prefixes(index: SearchIndex) -> None:
    res = index.search(SearchRequest(q='title:"hôi nghị" -2021'))
    assert res.suggestion == 'title:"hội nghị" -2021'


@pytest.mark.parametrize("q", ["hổ trái phép", "hồ chứa", "Điện Nam"])
def test_a_correct_query_gets_no_suggestion(index: SearchIndex, q: str) -> None:
    assert index.search(SearchRequest(q=q)).suggestion is None


def test_suggester_leaves_unknown_long_queries_alone(index: SearchIndex) -> None:
    searcher = index._current_searcher()
    suggester = Suggester(WhooshVocabulary(searcher.reader()))
    assert suggester.suggest(parse_query("xyzzy " * 20), total=0) is None


def test_snippet_shows_the_densest_passage_of_the_original_text() -> None:
    text = "Hoà giải ở đầu bài. " + "Chữ đệm không liên quan. " * 40 + "Tổ hoà giải thuỷ lợi họp bàn về hoà giải."
    snippet = make_snippet(text, {"hoa", "giai", "thuy", "loi"}, max_chars=120)
    assert "<mark>thuỷ</mark> <mark>lợi</mark>" in snippet and snippet.startswith("…")


def test_snippet_of_a_long_law_is_fast() -> None:
    text = "Điều 1. Hội đồng nhân dân và Ủy ban nhân dân. " * 5000  # ~230 000 characters, 30 000 hits
    started = time.perf_counter()
    snippet = make_snippet(text, {"hoi", "dong", "nhan", "dan"})
    assert "<mark>" in snippet and time.perf_counter() - started < 2.0
