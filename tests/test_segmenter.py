"""Our scoring of underthesea's CRF model gives exactly underthesea's word segmentation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from underthesea import word_tokenize

from indexer.analysis import segmenter
from indexer.analysis import text as analysis
from indexer.analysis.text import normalize_text
from tests.corpus import ARTICLES

SHARED = Path(__file__).resolve().parents[2] / "shared"

# Edge cases: sentences shorter than a feature's span, digits, case, punctuation, codes, other scripts.
TRICKY = [
    "", "Hà", "Hà Nội", "Ba chữ thôi", "2018", "1.234,5", "18/01/2019", "Số 15/2003/QH11 ngày 05/03/2021.",
    "HỘI NGHỊ TỔNG KẾT PHONG TRÀO THI ĐUA", "hội nghị tổng kết phong trào thi đua", "Phòng HC-TH",
    "“Trích dẫn” – gạch ngang… (ngoặc) [vuông] {nhọn}", "iPhone 15 Pro Max giá 30.000.000đ", "e-mail: a@b.vn",
    "https://sct.example.vn/tin-tuc/hoi-nghi.html", "Ǆ ǅ ǆ ² ½ ٣ ⅷ", "Ông Nguyễn Văn A, Giám đốc Sở Công Thương",
    "Trung tâm Khuyến công và Tư vấn phát triển công nghiệp", ". , ; : ! ?", "x" * 40,
]


@pytest.fixture(scope="module")
def fast() -> segmenter.Segmenter:
    model = segmenter.default_segmenter()
    assert model is not None, "underthesea's ws_crf_vlsp2013_20230727 model should be installed with underthesea==9.5.0"
    return model


def _paragraphs(texts: list[str]) -> list[str]:
    return [p for text in texts for p in normalize_text(text).split("\n") if p.strip()]


def test_model_file_is_read_whole() -> None:
    model = segmenter.read_crfsuite(segmenter.model_dir() / "models.bin")
    assert set(model.labels) == {"B-W", "I-W"}
    assert len(model.state) > 40_000  # CRFsuite counts ~50 000 attributes with a weight
    assert model.state["T[0].is_in_dict=False"] != (0.0, 0.0)
    assert model.transition[0][1] != 0.0


def test_same_words_as_underthesea_on_our_texts(fast: segmenter.Segmenter) -> None:
    texts = TRICKY + [f"{a.title}\n{a.body}" for a in ARTICLES]
    for paragraph in _paragraphs(texts) + ["x", "Hà"]:
        assert fast.segment(paragraph) == word_tokenize(paragraph), paragraph


def test_same_words_after_the_caches_are_cleared(fast: segmenter.Segmenter, monkeypatch) -> None:
    monkeypatch.setattr(segmenter, "_CACHE_LIMITS", {1: 3, 2: 3, 3: 3})  # every few spans the caches start over
    for cache in [*fast.caches.values(), *fast.older.values()]:
        cache.clear()
    paragraphs = _paragraphs([f"{a.title}\n{a.body}" for a in ARTICLES[:5]])
    assert [fast.segment(p) for p in paragraphs] == [word_tokenize(p) for p in paragraphs]
    assert all(len(cache) <= 3 for caches in (fast.caches, fast.older) for cache in caches.values())


@pytest.mark.skipif(not (SHARED / "corpus").is_dir(), reason="../shared/corpus is absent (real articles to compare on)")
def test_same_words_as_underthesea_on_real_articles(fast: segmenter.Segmenter) -> None:
    texts = []
    with (SHARED / "corpus" / "articles.jsonl").open(encoding="utf-8") as f:
        for n, line in enumerate(f):
            if n % 50 == 0:
                row = json.loads(line)
                texts.append(f"{row.get('title') or ''}\n{row.get('body') or ''}")
    paragraphs = _paragraphs(texts)
    assert len(paragraphs) > 500
    different = [p for p in paragraphs if fast.segment(p) != word_tokenize(p)]
    assert different == []


@pytest.mark.skipif(not (SHARED / "ws").is_dir(), reason="../shared/ws is absent (gold segmentation sentences)")
def test_same_words_as_underthesea_on_gold_sentences(fast: segmenter.Segmenter) -> None:
    lines = (SHARED / "ws" / "vlsp2013_test" / "gold.raw.txt").read_text(encoding="utf-8").splitlines()[:400]
    for line in lines:
        assert fast.segment(line) == word_tokenize(line), line
        assert fast.segment(line.lower()) == word_tokenize(line.lower()), line


def test_unknown_model_falls_back_to_underthesea(monkeypatch) -> None:
    monkeypatch.setattr(segmenter, "default_segmenter", lambda: None)
    calls = []
    real = word_tokenize

    def counting(paragraph: str) -> list[str]:
        calls.append(paragraph)
        return real(paragraph)

    monkeypatch.setattr("underthesea.word_tokenize", counting)
    assert analysis.words("Hội nghị tổng kết") == ["hội_nghị", "tổng_kết"]
    assert calls == ["Hội nghị tổng kết"]


def test_a_file_that_is_not_a_model_is_refused(tmp_path: Path) -> None:
    bogus = tmp_path / "models.bin"
    bogus.write_bytes(b"not a CRFsuite model at all")
    with pytest.raises(ValueError, match="not a CRFsuite model"):
        segmenter.read_crfsuite(bogus)


def test_broken_model_files_mean_underthesea_itself(tmp_path: Path, monkeypatch, caplog) -> None:
    for name in ("features.bin", "dictionary.bin", "models.bin"):
        (tmp_path / name).write_bytes(b"\x80\x04not a pickle")
    monkeypatch.setattr(segmenter, "model_dir", lambda: tmp_path)
    segmenter.default_segmenter.cache_clear()
    try:
        assert segmenter.default_segmenter() is None
        assert "word_tokenize" in caplog.text
        assert analysis.words("Hội nghị tổng kết") == ["hội_nghị", "tổng_kết"]  # segmented, not split
    finally:
        segmenter.default_segmenter.cache_clear()
