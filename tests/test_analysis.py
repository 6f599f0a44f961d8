"""Every normalisation rule of the Vietnamese analysis, and query parsing that never fails."""

from __future__ import annotations

import re
import unicodedata

import pytest

from indexer.analysis.text import analyze, codes, fold, fold_text, normalize_syllable, normalize_text, syllables
from indexer.engine.query import parse_query


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


def test_fold_text_is_fold_of_vietnamese_text() -> None:
    text = "Hội nghị tổng kết ĐẢNG BỘ năm 2018, Ðảm bảo hoà bình, thuỷ lợi (Phòng HC-TH)"
    folded = "hoi nghi tong ket dang bo nam 2018, dam bao hoa binh, thuy loi (phong hc-th)"
    assert fold_text(text) == fold(text) == folded


@pytest.mark.parametrize("text", [
    "Hội nghị tổng kết ĐẢNG BỘ năm 2018", "Σίσυφος İstanbul ǅ 𝐀𝐁 \u2028 x\u0301 — €", "", "a\udcffđ",
])
def test_fold_text_folds_latin_letters_one_by_one_and_keeps_offsets(text: str) -> None:
    """Snippets find hits in the folded text and mark them at the same offsets in the original: only Latin
    letters whose fold is one character change (other scripts, astral characters, a lone surrogate stay)."""
    folded = fold_text(text)
    assert len(folded) == len(text)
    assert list(folded) == [fold(c) if ord(c) < 0x1F00 and c.isalpha() and len(fold(c)) == 1 and
                            unicodedata.name(c, "").startswith("LATIN") else c for c in text]


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


@pytest.mark.parametrize(("typed", "expected"), [
    (unicodedata.normalize("NFD", "Đường Hồ Chí Minh"), ["đường", "hồ", "chí", "minh"]),  # NFD input
    ("ĐẢM BẢO", ["đảm", "bảo"]), ("Ðảm baỏ", ["đảm", "bảo"]),  # upper case, Icelandic Ð, misplaced mark
    ("hoà/hòa; thuỷ—thủy", ["hòa", "hòa", "thủy", "thủy"]),    # both conventions, punctuation between
])
def test_syllables_normalise_every_spelling(typed: str, expected: list[str]) -> None:
    assert syllables(typed) == expected


def test_dates_and_codes_are_kept_whole_and_as_syllables() -> None:
    a = analyze("Ngày 18/01/2019 ban hành Luật số 15/2003/QH11 và Quyết định 1234/QĐ-UBND")
    assert {"18/01/2019", "15/2003/qh11", "1234/qđ-ubnd"} <= set(a.codes.split())
    assert {"18", "01", "2019", "15", "2003", "qh11", "1234", "qđ", "ubnd"} <= set(a.exact.split())
    assert "qd" in a.folded.split()


@pytest.mark.parametrize("query", ["-", "- -", '"', "title:-", "-title:", "😀 -😀", "\u202e\u0000", "đ" * 10_000])
def test_hostile_queries_parse_to_something_or_nothing(query: str) -> None:
    parsed = parse_query(query)
    assert len(parsed.text) <= 1000 and all(c.syllables for c in parsed.clauses + parsed.excluded)


def test_only_stopwords_still_make_clauses() -> None:
    assert [c.syllables for c in parse_query("của các và").clauses] == [["của"], ["các"], ["và"]]


def test_codes_of_decomposed_text_are_those_of_composed_text() -> None:
    text = "Vắc-xin Covid-19: 10.000 liều/ngày, Bà Rịa-Vũng Tàu, Quyết định 15/2003/QĐ-UBND"
    composed = codes(text)
    assert "vắc-xin" in composed and "rịa-vũng" in composed and "15/2003/qđ-ubnd" in composed
    assert codes(unicodedata.normalize("NFD", text)) == composed
    assert analyze(unicodedata.normalize("NFD", text), segment=False) == analyze(text, segment=False)


def test_analyze_agrees_with_the_single_purpose_functions() -> None:
    text = "Hội nghị tổng kết năm 2018 của Trung tâm Khuyến công; thuỷ lợi, hoà giải (Số 12/QĐ-SCT)."
    result = analyze(text)
    assert result.exact.split() == syllables(text)
    assert result.folded.split() == [fold(s) for s in syllables(text)]
    assert result.codes.split() == codes(text)


@pytest.mark.parametrize("text", [
    "Hội nghị tổng kết (Số 12/QĐ-SCT), 1.000.000 đồng, HC-TH-, a/b/c/ ./x x_abc/def",
    "İstanbul İİ ĐẠI HỘI",               # lower-cases to a longer text: "İ" → "i̇"
    "ΟΔΟΣ'Α ΣΊΣΥΦΟΣ. Σ-Σ",                # a capital sigma lower-cases by context
    "Ǆ ǅ ǆ ﬁ ß ΐ Й й Ά ά Ⅻ ², ½ ٣ x\u0301y",  # title case, ligatures, other scripts, digits, a stray mark
])
def test_syllables_codes_and_folds_equal_their_one_match_at_a_time_definition(text: str) -> None:
    """analyze finds matches in the lower-cased text and folds character by character (both in C);
    the definition is each match of the normalised text lower-cased, and fold() of each syllable."""
    from indexer.analysis.text import _CODE, _SYLLABLE

    normalized = normalize_text(text)
    sylls = [m.group().lower() for m in _SYLLABLE.finditer(normalized)]
    result = analyze(text, segment=False)
    assert result.exact.split() == sylls
    assert result.folded.split() == [fold(s) for s in sylls]
    assert result.codes.split() == [m.group().lower() for m in _CODE.finditer(normalized)]
    # a code starts where a word starts: the same matches as the pattern without that condition
    assert result.codes.split() == [m.group().lower() for m in re.finditer(r"[^\W_]+(?:[/\-.][^\W_]+)+", normalized)]


def test_codes_searched_near_joiners_are_every_match_of_the_pattern() -> None:
    """_codes_at_joiners skips the text between joiners: over random texts of letters, digits, joiners,
    underscores and every kind of space, it finds exactly what _CODE.findall finds."""
    import random

    from indexer.analysis.text import _CODE, _codes_at_joiners

    rng = random.Random(5)
    alphabet = "ab1đ2ệ" + "/-." * 3 + "  \n\t\u00a0_,"
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(4000)]
    found = 0
    for text in texts:
        expected = _CODE.findall(text)
        assert _codes_at_joiners(text) == expected, text
        found += len(expected)
    assert found > 1000  # the texts do hold codes, many of them side by side
