"""Word counts written beside each segment: documents per segmented word, as the suggester reads them."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from archive import Article
from indexer.analysis.text import words
from indexer.engine import SearchRequest
from indexer.whoosh_engine import worddf
from indexer.whoosh_engine.reader.vocabulary import WhooshVocabulary
from indexer.whoosh_engine.worddf import WordTable
from indexer.whoosh_engine.writer import build
from tests.conftest import index_articles, two_commit_index
from tests.corpus import ARTICLES


def _counts(articles: list[Article]) -> Counter[str]:
    """What a segment of these articles should hold: each document's distinct words, counted once."""
    return Counter(w for a in articles for w in set(words(a.title) + words(a.body)))


def test_each_segment_counts_its_documents_words_deleted_ones_included(tmp_path: Path) -> None:
    index = two_commit_index(tmp_path)
    try:
        reader = index._generation()[0].reader()
        tables = [WordTable.of(leaf).counts() for leaf, _offset in reader.leaf_readers()]
        changed = replace(ARTICLES[0], body=ARTICLES[0].body + " Hội nghị tổng kết được tổ chức lại.")
        # the first segment still counts the replaced version of ARTICLES[0] (deleted, not rewritten)
        assert tables == [_counts(ARTICLES[:6]), _counts([*ARTICLES[6:], changed])]
        assert tables[0]["hội_nghị"] > 0
        vocabulary = WhooshVocabulary(reader)
        assert vocabulary.word_df(["hội_nghị", "nghị_hội"]) == {
            "hội_nghị": tables[0]["hội_nghị"] + tables[1]["hội_nghị"], "nghị_hội": 0}
    finally:
        index.close()


def test_merging_small_segments_adds_their_counts(tmp_path: Path) -> None:
    batches = [[a] for a in ARTICLES[: build.MAX_SMALL_SEGMENTS + 2]]
    index = index_articles(tmp_path, *batches)
    try:
        reader = index._generation()[0].reader()
        leaves = [leaf for leaf, _offset in reader.leaf_readers()]
        assert len(leaves) < len(batches)  # the small segments were merged
        total = sum((WordTable.of(leaf).counts() for leaf in leaves), Counter())
        assert total == _counts(ARTICLES[: len(batches)])
    finally:
        index.close()


TAX = [
    Article(id="x1", url="http://sct.test/x1", title="Xử lý doanh nghiệp trốn thuế",
            body="Doanh nghiệp trốn thuế bị xử phạt nặng.", published="2021-01-05"),
    Article(id="x2", url="http://sct.test/x2", title="Chống gian lận thương mại",
            body="Xử lý nghiêm hành vi trốn thuế, gian lận thương mại.", published="2021-02-05"),
    Article(id="x3", url="http://sct.test/x3", title="Nhà xưởng",
            body="Công ty cho thuê nhà xưởng tại khu công nghiệp.", published="2021-03-05"),
]


def test_the_words_people_write_correct_a_real_syllable_typed_with_the_wrong_mark(tmp_path: Path) -> None:
    """"thuê" exists, but "trốn thuê" is no word while "trốn_thuế" is, in two documents."""
    index = index_articles(tmp_path, TAX)
    try:
        assert index.search(SearchRequest(q="trốn thuê")).suggestion == "trốn thuế"
        assert index.search(SearchRequest(q="cho thuê")).suggestion is None
    finally:
        index.close()


def test_a_segment_without_its_table_knows_no_words_and_nothing_fails(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A segment written by another writer (or before tables existed) has none."""
    monkeypatch.setattr(worddf, "write", lambda *args: None)
    index = index_articles(tmp_path, TAX)
    try:
        reader = index._generation()[0].reader()
        assert not [name for name in reader.storage().list() if name.endswith(worddf.EXT)]
        assert WhooshVocabulary(reader).word_df(["trốn_thuế"]) == {"trốn_thuế": 0}
        assert index.search(SearchRequest(q="trốn thuê")).suggestion != "trốn thuế"
    finally:
        index.close()


def test_a_table_reads_back_what_was_written_and_a_damaged_one_reads_as_empty(tmp_path: Path) -> None:
    from whoosh.codec import default_codec
    from whoosh.filedb.filestore import FileStorage

    storage = FileStorage(str(tmp_path))
    segment = default_codec().new_segment(storage, "MAIN")
    counts = Counter({"hội_nghị": 3, "thủy_lợi": 1, "ủy_ban": 7, "a_b": 2, "đà_nẵng": 5})
    worddf.write(segment, storage, counts)
    table = WordTable(storage, segment)
    assert {w: table.get(w) for w in counts} == counts
    assert table.get("hội") == table.get("zzz") == table.get("") == 0
    assert table.counts() == counts
    path = tmp_path / segment.make_filename(worddf.EXT)
    path.write_bytes(path.read_bytes()[:-3])  # cut short
    assert WordTable(storage, segment).get("ủy_ban") == 0
    assert WordTable(storage, segment).counts() == Counter()
