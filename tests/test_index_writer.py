"""The fast indexing path (TokenField, FastSegmentWriter) writes exactly what stock Whoosh writes."""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.fields import ID, TEXT, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.writing import SegmentWriter

from indexer.whoosh_engine.schema import PackedPositions, TokenField, Weights
from indexer.whoosh_engine.writer.documents import article_tokens
from indexer.whoosh_engine.writer.segwriter import FastSegmentWriter, TermPool

TEXTS = [
    ("Hội nghị tổng kết phong trào thi đua năm 2018", "Sáng 18/01/2019, Trung tâm Khuyến công tổ chức hội nghị "
     "tổng kết. Hội nghị đã biểu dương 12 tập thể.\nPhòng HC-TH"),
    ("Thông báo", "Quyết định số 15/2003/QH11 về hòa giải; hoà giải ở cơ sở.\n\nHội nghị hội nghị hội nghị."),
    ("Một", ""),
]


def _schema(fast: bool) -> Schema:
    tokens = SpaceSeparatedTokenizer()
    kind = TokenField if fast else TEXT
    schema = Schema(id=ID(stored=True, unique=True),
                    f=kind(analyzer=tokens, phrase=True, field_boost=2.0),
                    s=kind(analyzer=tokens, phrase=False))
    # stock TEXT too: the writers are compared, not formats
    schema["f"].format = PackedPositions(field_boost=2.0)
    schema["s"].format = Weights()
    return schema


def _postings(directory: Path) -> list[tuple[object, ...]]:
    """Every posting of every term, with its decoded value, weight and the document's field length."""
    out = []
    with whoosh_index.open_dir(str(directory)).reader() as reader:
        for field in ("f", "s"):
            for term in reader.lexicon(field):
                m = reader.postings(field, term)
                while m.is_active():
                    doc = m.id()
                    out.append((field, term, doc, m.weight(), m.value(), reader.doc_field_length(doc, field)))
                    m.next()
    return out


RUNS: dict[str, int] = {}  # sorted runs spilled to disk, per build


def _build(directory: Path, fast: bool, limitmb: float = 128) -> list[tuple[object, ...]]:
    directory.mkdir()
    ix = whoosh_index.create_in(str(directory), _schema(fast))
    writer = (FastSegmentWriter if fast else SegmentWriter)(ix, limitmb=limitmb)
    for n, (title, body) in enumerate(TEXTS):
        tokens = article_tokens(title, body)
        writer.add_document(id=str(n), f=tokens["body_f"], s=tokens["body_s"])
    RUNS[directory.name] = len(writer.pool.runs)
    writer.commit()
    return _postings(directory)


def test_fast_path_writes_the_same_postings_as_whoosh(tmp_path: Path) -> None:
    fast, stock = _build(tmp_path / "fast", True), _build(tmp_path / "stock", False)
    assert RUNS["fast"] == 0
    assert len(stock) > 40
    assert fast == stock


def test_over_the_memory_limit_postings_spill_to_disk_and_come_back_whole(tmp_path: Path) -> None:
    stock = _build(tmp_path / "stock", False)
    spilled = _build(tmp_path / "fast", True, limitmb=0.004)  # a few KB: several runs on disk
    assert RUNS["fast"] >= 2
    assert spilled == stock


def _many_documents() -> list[str]:
    """400 documents of our corpus's sentences, rotated and repeated: terms in 300+ documents (several
    posting blocks), weights and lengths that vary, documents without some fields' terms."""
    from tests.corpus import ARTICLES

    sentences = [s for a in ARTICLES for s in a.body.replace("\n", ". ").split(". ") if s]
    return [" ".join(sentences[(i * 7 + k) % len(sentences)] for k in range(1 + i % 5)) * (1 + i % 3)
            for i in range(400)]


def _everything(directory: Path) -> list[tuple[object, ...]]:
    """Each term's info (what ranking reads) and each posting with its block's statistics."""
    out: list[tuple[object, ...]] = []
    with whoosh_index.open_dir(str(directory)).reader() as reader:
        for field in ("f", "s"):
            for term in reader.lexicon(field):
                ti = reader.term_info(field, term)
                out.append((field, term, ti.weight(), ti.doc_frequency(), ti.min_length(), ti.max_length(),
                            ti.max_weight(), ti.min_id(), ti.max_id()))
                m = reader.postings(field, term)
                while m.is_active():
                    out.append((m.id(), m.weight(), m.value(), m.block_max_weight(), m.block_min_length(),
                                m.block_max_length()))
                    m.next()
    return out


@pytest.mark.parametrize("limitmb", [128, 0.05], ids=["in-memory", "spilled"])
def test_many_documents_give_the_same_term_infos_blocks_and_postings(tmp_path: Path, limitmb: float) -> None:
    built = {}
    for fast in (True, False):
        directory = tmp_path / str(fast)
        directory.mkdir()
        ix = whoosh_index.create_in(str(directory), _schema(fast))
        writer = (FastSegmentWriter if fast else SegmentWriter)(ix, limitmb=limitmb)
        for n, text in enumerate(_many_documents()):
            tokens = article_tokens("", text, "")
            writer.add_document(id=str(n), f=tokens["body_f"], s=tokens["body_s"])
        if fast:
            assert (len(writer.pool.runs) > 0) == (limitmb < 1)
        writer.commit()
        built[fast] = _everything(directory)
    assert max(row[3] for row in built[False] if len(row) == 9) > 300  # several blocks of 128
    assert built[True] == built[False]


def test_pool_joins_token_and_whoosh_postings_of_a_term_in_document_order(tmp_path: Path) -> None:
    """A merge hands the pool postings through add_field after add_tokens had some of the same terms."""
    field = TokenField(analyzer=SpaceSeparatedTokenizer(), phrase=False)
    pool = TermPool(FileStorage(str(tmp_path)), None, limitmb=128)
    pool.add_tokens("s", 4, field, ["x", "y", "x"])
    pool.add_field("s", 1, field.index("x"))
    pool.add_tokens("s", 6, field, ["y"])
    got = [(f, t, d, w) for f, t, d, w, _v in pool.iter_postings()]
    assert got == [("s", b"x", 1, 1.0), ("s", b"x", 4, 2.0), ("s", b"y", 4, 1.0), ("s", b"y", 6, 1.0)]


def test_token_field_counts_repeats_and_keeps_positions(tmp_path: Path) -> None:
    postings = _build(tmp_path / "fast", True)
    hoi = [p for p in postings if p[0] == "f" and p[1] == b"hoi" and p[2] == 1]
    assert len(hoi) == 1
    _, _, _, weight, value, length = hoi[0]
    schema = _schema(True)
    assert schema["f"].format.decode_frequency(value) == 3
    assert weight == 3 * 2.0
    folded = article_tokens(*TEXTS[1])["body_f"].split()
    assert schema["f"].format.decode_positions(value) == [i for i, t in enumerate(folded) if t == "hoi"]
    assert folded[-6:] == ["hoi", "nghi"] * 3
    assert length == len(folded)
    # exact syllables keep only weights (Weights): frequency × boost, no value
    exact = [p for p in postings if p[0] == "s" and p[1] == "hội".encode() and p[2] == 1]
    assert [(weight, value) for _, _, _, weight, value, _ in exact] == [(3.0, None)]


@pytest.mark.parametrize("limitmb", [128, 0.0002], ids=["in-memory", "spilled-each-time"])
def test_pool_hands_out_terms_in_order_and_documents_sorted(tmp_path: Path, limitmb: float) -> None:
    """Merging segments can add documents out of order; the pool sorts them, on disk or not."""
    pool = TermPool(FileStorage(str(tmp_path)), None, limitmb=limitmb)
    for docnum in (5, 1, 9, 3):
        pool.add(("f", b"x", docnum, float(docnum), b"v%d" % docnum))
    pool.add(("f", b"a", 2, 1.0, b""))
    pool.add(("e", b"z", 7, 1.0, b""))
    assert (len(pool.runs) >= 5) == (limitmb < 1)
    got = [(f, t, d, w, v) for f, t, d, w, v in pool.iter_postings()]
    assert got == [("e", b"z", 7, 1.0, b""), ("f", b"a", 2, 1.0, b""),
                   *[("f", b"x", d, float(d), b"v%d" % d) for d in (1, 3, 5, 9)]]


def test_packed_positions_round_trip_past_16_bits() -> None:
    fmt = PackedPositions(field_boost=2.0)
    value = fmt.encode([0, 3, 70_000, 4_000_000_000])
    assert len(value) == 16
    assert fmt.decode_positions(value) == [0, 3, 70_000, 4_000_000_000]
    assert fmt.decode_frequency(value) == 4
    assert fmt.decode_weight(value) == 8.0
    lists = [[0, 3, 70_000, 4_000_000_000], [5], []]
    assert list(fmt.encode_many(lists)) == [fmt.encode(p) for p in lists]  # what the pool stores


def test_position_blocks_keep_bytes_as_bytes(tmp_path: Path) -> None:
    """Blocks are pickled with protocol 3: Whoosh's protocol 2 writes each posting's packed positions as a
    call to _codecs.encode, which took ~8x the time to write and to read."""
    import pickle
    import zlib

    _build(tmp_path / "fast", True)
    with whoosh_index.open_dir(str(tmp_path / "fast")).reader() as reader:
        m = reader.postings("f", "hoi")
        m = getattr(m, "child", m)
        raw = m._postfile.get(m._dataoffset, m._nextoffset - m._dataoffset)
        data = zlib.decompress(raw) if m._compression else raw
    assert data[:2] == b"\x80\x03"
    assert b"_codecs" not in data
    values = pickle.loads(data)[2]
    assert values and all(type(v) is bytes and len(v) % 4 == 0 for v in values)


def test_runs_merge_in_document_order_so_no_term_is_sorted_again(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Spilled runs of one term are merged run by run (each run holds later documents than the one
    before), so nothing needs sorting; each stream once compared as the last run (a late-bound loop
    variable), which left terms out of order and sorted ~a quarter of them again at 20 000 articles."""
    import indexer.whoosh_engine.writer.segwriter as segwriter

    def no_sorting(entry: object) -> object:
        raise AssertionError("a term's documents came out of the runs out of order")

    monkeypatch.setattr(segwriter, "_by_docnum", no_sorting)
    field = TokenField(analyzer=SpaceSeparatedTokenizer(), phrase=True)
    pool = TermPool(FileStorage(str(tmp_path)), None, limitmb=0.0002)
    docnums = range(240, 280)  # across 256, where little-endian docnums stop sorting as bytes do
    for docnum in docnums:
        pool.add_tokens("f", docnum, field, ["a", "b", "a"][: 1 + docnum % 3])
    assert len(pool.runs) >= 10
    got = [(t, d) for _f, t, d, _w, _v in pool.iter_postings()]
    assert [d for t, d in got if t == b"a"] == list(docnums)
    assert [d for t, d in got if t == b"b"] == [d for d in docnums if d % 3]


def test_documents_the_fast_path_cannot_write_go_through_whooshs(tmp_path: Path) -> None:
    """A document boost or a field stored apart is Whoosh's business: such documents, between ordinary
    ones, are written by Whoosh's own add_document, and the postings equal stock Whoosh's."""
    docs = [{"id": "0", "f": "hoi nghi hoi", "s": "hội nghị hội"},
            {"id": "1", "f": "hoi dong", "s": "hội đồng", "_boost": 3.0},
            {"id": "2", "f": "nghi quyet", "s": "nghị quyết", "_f_boost": 2.0},
            {"id": "3", "f": "hoi nghi", "s": "hội nghị"}]
    built = {}
    for fast in (True, False):
        directory = tmp_path / str(fast)
        directory.mkdir()
        ix = whoosh_index.create_in(str(directory), _schema(fast))
        writer = (FastSegmentWriter if fast else SegmentWriter)(ix)
        for doc in docs:
            writer.add_document(**doc)
        writer.commit()
        built[fast] = _postings(directory)
    weights = {(p[1], p[2]): p[3] for p in built[True] if p[0] == "f"}
    assert weights[(b"hoi", 1)] == 3.0 * 2.0  # the document's boost × the field's
    assert weights[(b"nghi", 2)] == 2.0 * 2.0
    assert weights[(b"hoi", 0)] == 2 * 2.0
    assert built[True] == built[False]
