"""Position keys written with a segment: the same keys as its posting blocks, and the same phrase answers."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain
from pathlib import Path

import pytest
from whoosh import query as Q
from whoosh.filedb.filestore import FileStorage

from indexer.engine import SearchRequest
from indexer.whoosh_engine import positionkeys
from indexer.whoosh_engine.positionkeys import KeysReader
from indexer.whoosh_engine.reader import postings
from indexer.whoosh_engine.reader.matching import IndexView, docnums, match_bits, phrase_docs
from indexer.whoosh_engine.reader.postings import BlockIndex
from indexer.whoosh_engine.reader.search import SearchIndex
from tests.conftest import index_articles, two_commit_index
from tests.corpus import ARTICLES

PHRASES = [["hoi", "nghi"], ["tong", "ket"], ["nghi", "hoi"], ["hoi", "hoi"], ["hoi", "nghi", "tong", "ket"],
           ["cong", "tac"], ["thi", "dua", "nam"], ["xyz", "hoi"]]


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    """Two commits with every term's keys written (the threshold lowered to one document)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(positionkeys, "MIN_DOCS", 1)
        idx = two_commit_index(tmp_path_factory.mktemp("pkeys"))
    yield idx
    idx.close()


def test_each_segment_has_keys_equal_to_its_blocks(index: SearchIndex) -> None:
    searcher, view, _scorer = index._generation()
    assert len(view.leaves) == 2
    for leaf, _offset in view.leaves:
        stored = KeysReader(leaf)
        terms = stored.table["body_f"]
        assert set(stored.table) == {"title_f", "body_f"}  # the positional fields only
        assert len(terms) == len(list(leaf.lexicon("body_f")))
        for text in (b"hoi", b"nghi", b"cong"):
            word = text.decode()
            blocks = BlockIndex(leaf, "body_f", word)
            from_blocks = list(chain.from_iterable(blocks._decode(b) for b in range(len(blocks.offsets))))
            assert list(stored.keys("body_f", word)) == from_blocks
            assert from_blocks  # the test reads something


@pytest.mark.parametrize("slice_below", [0, 10**9], ids=["per-document-slices", "whole-keys"])
def test_phrases_from_stored_keys_equal_whooshs(index: SearchIndex, slice_below: int,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Whole arrays of keys, or only the candidates' ranges cut out of them: Whoosh's phrase matches either way,
    for all candidates at once (matching) and one document at a time (ranking's stage 2)."""
    monkeypatch.setattr(postings, "SLICE_BELOW", slice_below)
    reads = []
    real = KeysReader.keys
    monkeypatch.setattr(KeysReader, "keys", lambda self, *a: reads.append(a) or real(self, *a))
    searcher, _view, _scorer = index._generation()
    view = IndexView(searcher)  # fresh caches
    for words in PHRASES:
        for field in ("body_f", "title_f"):
            phrase = Q.Phrase(field, words)
            whoosh = sorted(searcher.docs_for_query(phrase))
            assert docnums(match_bits(view, phrase)) == whoosh, (field, words)
            candidates = docnums(view.live)
            assert [d for d in candidates if phrase_docs(view, field, words, [d])] == whoosh, (field, words)
    assert reads  # the keys files were used, not the posting blocks


def test_a_segment_without_keys_file_reads_its_blocks(tmp_path: Path) -> None:
    idx = index_articles(tmp_path, ARTICLES)  # default threshold: no term of this small corpus qualifies
    try:
        searcher, view, _scorer = idx._generation()
        assert all(not KeysReader(leaf).table for leaf, _offset in view.leaves)
        phrase = Q.Phrase("body_f", ["hoi", "nghi"])
        found = docnums(match_bits(view, phrase))
        assert found and found == sorted(searcher.docs_for_query(phrase))
        assert idx.search(SearchRequest(q='"hội nghị"')).total == len(found)
    finally:
        idx.close()


class _Leaf:
    """Just what KeysReader asks of a segment reader: its storage and its segment's file names."""

    def __init__(self, storage: FileStorage) -> None:
        self._storage = storage

    def storage(self) -> FileStorage:
        return self._storage

    def segment(self) -> _Leaf:
        return self

    def make_filename(self, ext: str) -> str:
        return "MAIN_x" + ext


@pytest.mark.parametrize("content", [b"", b"garbage", b"\x00" * 7 + b"\xff" * 9])
def test_an_unreadable_keys_file_is_ignored(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "MAIN_x.pkeys").write_bytes(content)
    stored = KeysReader(_Leaf(FileStorage(str(tmp_path))))
    assert stored.table == {} and ("body_f", "hoi") not in stored
