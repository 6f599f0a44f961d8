"""Searching the text of attached files on a real Whoosh index: found with or without diacritics, named by
file and page, weighed below the post's own words, filtered by type; the JSON API's `attachment_matches`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from indexer.engine import SearchRequest
from indexer.whoosh_engine.reader.search import SearchIndex
from tests.corpus import ARTICLES, ATTACHMENT_ARTICLES


@pytest.fixture
def index(make_index: Any) -> SearchIndex:
    return make_index(ARTICLES + ATTACHMENT_ARTICLES)


def search(index: SearchIndex, q: str, **kw: Any) -> Any:
    return index.search(SearchRequest(q=q, per_page=50, **kw))


@pytest.mark.parametrize("q", ["hộ nghèo Quỳnh Lưu", "ho ngheo quynh luu", "\"nhà chống lũ\""])
def test_words_only_in_a_file_find_the_post_and_name_file_and_page(index: SearchIndex, q: str) -> None:
    response = search(index, q)
    assert [h.id for h in response.results] == ["f1"]
    match, = response.results[0].attachment_matches
    assert (match.file, match.page, match.url) == ("QD-1234-UBND.pdf", 2, "http://sct.test/uploads/QD-1234-UBND.pdf")
    assert "<mark>" in match.snippet and "Quỳnh" in match.snippet


def test_a_spreadsheet_row_is_found_by_a_name_in_it(index: SearchIndex) -> None:
    hit, = search(index, "nguyen thi hong nhung").results
    assert hit.id == "f2" and [m.file for m in hit.attachment_matches] == ["Ket-qua.xlsx"]


def test_the_post_s_own_words_rank_above_the_same_words_in_a_file(index: SearchIndex) -> None:
    response = search(index, "máy gặt đập liên hợp")
    assert [h.id for h in response.results] == ["f3", "f2"]
    assert response.results[0].attachment_matches == []  # found in the post itself: no file to name
    assert [m.file for m in response.results[1].attachment_matches] == ["Ke-hoach.docx"]


def test_filter_by_having_files_and_by_type(index: SearchIndex) -> None:
    with_files = {h.id for h in search(index, "", filetype="any").results}
    assert with_files == {"f1", "f2"}
    assert [h.id for h in search(index, "", filetype="xlsx").results] == ["f2"]
    assert search(index, "hội nghị", filetype="pdf").total == 0


def test_api_results_carry_attachment_matches(index: SearchIndex) -> None:
    data = search(index, "quynh luu").to_json()
    match, = data["results"][0]["attachment_matches"]
    assert {"url", "title", "page", "snippet"} <= match.keys() and match["page"] == 2
    assert all(r["attachment_matches"] == [] for r in search(index, "hội nghị").to_json()["results"])


def test_an_excluded_word_in_a_file_excludes_the_post(index: SearchIndex) -> None:
    assert "f1" not in {h.id for h in search(index, "danh sách -Quỳnh").results}
    assert "f1" in {h.id for h in search(index, "danh sách").results}


def test_a_bad_filetype_is_a_clear_message() -> None:
    from indexer.engine import InvalidParameter

    with pytest.raises(InvalidParameter, match="Loại tệp"):
        SearchRequest.from_params({"filetype": "exe"})


def test_attachments_text_is_indexed_up_to_a_cap(tmp_path: Path) -> None:
    from archive import Article
    from indexer.engine.documents import MAX_ATTACHED_CHARS, attached_text

    big = Article(id="x", body="b", attachments=[{"url": "u", "title": "", "text": "a" * (MAX_ATTACHED_CHARS + 10)},
                                                 {"url": "v", "title": "", "text": "zzz"}])
    assert len(attached_text(big)) == MAX_ATTACHED_CHARS and "zzz" not in attached_text(big)
