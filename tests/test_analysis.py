"""Every normalisation rule of the Vietnamese analysis, and query parsing that never fails."""

from __future__ import annotations

import unicodedata

import pytest

from indexer.analysis import analyze, codes, fold, normalize_syllable, normalize_text, syllables
from indexer.query import parse_query


@pytest.mark.parametrize(("typed", "normal"), [
    ("hoà", "hòa"), ("hòa", "hòa"), ("thuỷ", "thủy"), ("khoẻ", "khỏe"), ("tuỳ", "tùy"), ("uỷ", "ủy"),
    ("HOÀ", "HÒA"), ("Thuỷ", "Thủy"), ("baỏ", "bảo"), ("qúy", "quý"), ("quý", "quý"),
    ("hoàng", "hoàng"), ("người", "người"), ("giữa", "giữa"), ("gì", "gì"), ("xoáy", "xoáy"),
    ("hoài", "hoài"), ("quốc", "quốc"), ("Vinamilk", "Vinamilk"), ("2018", "2018"),
])
def test_tone_marks_follow_one_convention(typed: str, normal: str) -> None:
    assert normalize_syllable(typed) == normal


def test_both_conventions_and_nfd_meet() -> None:
    nfd = unicodedata.normalize("NFD", "Hoà giải thuỷ lợi")
    assert syllables(nfd) == syllables("Hòa giải thủy lợi") == ["hòa", "giải", "thủy", "lợi"]


def test_normalize_text_keeps_offsets() -> None:
    text = "Ðảm baỏ hoà bình, thuỷ lợi (18/01/2019)"
    out = normalize_text(text)
    assert len(out) == len(text)
    assert out.startswith("Đảm bảo hòa bình")


@pytest.mark.parametrize(("word", "folded"), [
    ("Đường", "duong"), ("đ", "d"), ("Ðảm", "dam"), ("hội nghị", "hoi nghi"), ("HỒ", "ho"), ("Ủy", "uy"),
])
def test_folding_strips_marks_and_d(word: str, folded: str) -> None:
    assert fold(word) == folded


def test_upper_case_and_punctuation_do_not_matter() -> None:
    assert syllables("HỘI NGHỊ, tổng-kết!") == ["hội", "nghị", "tổng", "kết"]


def test_numbers_dates_and_codes_stay_searchable() -> None:
    text = "Theo Quyết định số 1234/QĐ-UBND ngày 18/01/2019 và Luật 15/2003/QH11"
    assert {"1234/qđ-ubnd", "18/01/2019", "15/2003/qh11"} <= set(codes(text))
    assert "2019" in syllables(text) and "qh11" in syllables(text)


def test_analyze_produces_words_syllables_and_folded_forms() -> None:
    a = analyze("Hội nghị tổng kết của Ủy ban nhân dân tỉnh")
    assert "hội_nghị" in a.words.split()
    assert "nhân" in a.exact.split() and "dân" in a.exact.split()  # syllables reach inside names
    assert a.folded.split()[:2] == ["hoi", "nghi"]


@pytest.mark.parametrize("query", [
    '"unbalanced quote', "-", " - - ", "của và", "x" * 10_000, "😀🎉", "\x00\x1f\x7f", 'title:', '""', "-\"\"",
    "(((", "AND OR NOT", "title:\"thi đua", "*?~^", "hội\u200bnghị",
])
def test_query_parsing_never_fails(query: str) -> None:
    parsed = parse_query(query)
    assert isinstance(parsed.clauses, list)
    assert all(s for c in parsed.clauses for s in c.syllables)


def test_query_syntax() -> None:
    parsed = parse_query('"hội nghị" tổng kết -2019 title:khuyến')
    assert [c.syllables for c in parsed.clauses] == [["hội", "nghị"], ["tổng"], ["kết"], ["khuyến"]]
    assert parsed.clauses[0].phrase and parsed.clauses[3].title_only
    assert [c.syllables for c in parsed.excluded] == [["2019"]]
