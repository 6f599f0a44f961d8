"""The fast indexing path (TokenField, FastSegmentWriter) writes exactly what stock Whoosh writes."""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.fields import ID, TEXT, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.writing import SegmentWriter

from indexer.build import article_tokens
from indexer.schema import PackedPositions, TokenField
from indexer.segwriter import FastSegmentWriter, TermPool

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
    schema["f"].format = PackedPositions(field_boost=2.0)  # stock TEXT too: the writers are compared, not formats
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
