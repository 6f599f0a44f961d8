"""Legacy Vietnamese font encodings (TCVN3, VNI) in extracted text: tables, conversion, detection, repair."""

from __future__ import annotations

import json
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from attachments.legacy import TCVN3, TCVN3_TABLE, VNI, VNI_TABLE, detect, repair, to_unicode
from tests.corpus import ARTICLES, RANKING_ARTICLES

VOWELS = "aăâeêioôơuưy"
TONES = ("", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323")  # none, grave, hook, tilde, acute, dot below
LOWER_LETTERS = [unicodedata.normalize("NFC", v + t) for v in VOWELS for t in TONES] + ["đ"]
UPPER_LETTERS = [letter.upper() for letter in LOWER_LETTERS]

# Written for these tests. Real sentences in the register of the corpus; together they hold every vowel with a
# hat, breve or horn, đ, and all five tones. No capital with a tone: TCVN3's ordinary font has none.
SENTENCES = [
    "Ông Nguyễn Văn Bảy, phó giám đốc Sở Công Thương, nhấn mạnh những kết quả đạt được trong sáu tháng đầu năm.",
    "Đoàn công tác đã kiểm tra an toàn đập thủy lợi, hồ chứa nước và đường giao thông nông thôn.",
    "Ơn nghĩa sâu nặng, ấm áp tình người; Ưu tiên hỗ trợ hộ nghèo vượt khó, ổn định đời sống.",
    "Ăn quả nhớ kẻ trồng cây; Ê-đê, Ba Na và các dân tộc thiểu số giữ gìn bản sắc văn hóa.",
    "Âm thầm khuyến khích doanh nghiệp đổi mới thiết bị, tiết kiệm điện, giảm chi phí sản xuất.",
    "Quyết định số 1234/QĐ-UBND ngày 05/03/2021 công bố 17 thủ tục hành chính theo Luật 15/2003/QH11.",
    "Tỷ lệ hộ dùng nước sạch đạt 98,5% (tăng 2,3% so với cùng kỳ); ngân sách cấp 12 tỷ đồng.",
    "Ôtô chở khách lỡ chuyến, ông ấy bảo: hãy ghé qua nhà tôi uống chén trà, ăn bữa cơm rồi đi tiếp.",
]
# Capitals with tones, as a heading set in an all-capital font.
HEADINGS = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "QUYẾT ĐỊNH VỀ VIỆC PHÊ DUYỆT KẾ HOẠCH PHÁT TRIỂN CỤM CÔNG NGHIỆP",
    "ỦY BAN NHÂN DÂN TỈNH QUẢNG NAM",
    "BẢN TỔNG HỢP Ý KIẾN GÓP Ý CỦA CÁC SỞ, NGÀNH VÀ ĐỊA PHƯƠNG",
]

# Published examples, not generated from our tables: the national motto in TCVN3 (as on countless scanned
# decrees), district names from a public TCVN3 converter's README ("B¶o Th¾ng", "B¸t X¸t"; its "Mêng Kh¬ng"
# lost the soft hyphen that is ư), and VNI from the README of the vietnamese-conversion npm package.
KNOWN_TCVN3 = [
    ("Céng hßa X· héi chñ nghÜa ViÖt Nam", "Cộng hòa Xã hội chủ nghĩa Việt Nam"),
    ("§éc lËp - Tù do - H¹nh phóc", "Độc lập - Tự do - Hạnh phúc"),
    ("B¶o Th¾ng", "Bảo Thắng"),
    ("B¸t X¸t", "Bát Xát"),
    ("Mêng Kh¬ng", "Mường Khương"),
    ("CéNG HßA X· HéI CHñ NGHÜA VIÖT NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
]
KNOWN_VNI = [
    ("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam", "Cộng hòa xã hội chủ nghĩa Việt Nam"),
    ("Ñoäc laäp - Töï do - Haïnh phuùc", "Độc lập - Tự do - Hạnh phúc"),
    ("Xin chaøo caùc baïn", "Xin chào các bạn"),
    ("COÄNG HOØA XAÕ HOÄI CHUÛ NGHÓA VIEÄT NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
]

_TCVN3_CODE = {letter: code for code, letter in TCVN3_TABLE.items()}
_VNI_CODE: dict[str, str] = {}
for _seq, _letter in VNI_TABLE.items():
    if _letter not in _VNI_CODE or len(_seq) < len(_VNI_CODE[_letter]):
        _VNI_CODE[_letter] = _seq


def to_tcvn3(text: str) -> str:
    """Text as a TCVN3 document extracts: a capital with a tone is its lowercase code (all-capital font)."""
    return "".join(_TCVN3_CODE.get(c, _TCVN3_CODE.get(c.lower(), c)) for c in unicodedata.normalize("NFC", text))


def to_vni(text: str) -> str:
    return "".join(_VNI_CODE.get(c, c) for c in unicodedata.normalize("NFC", text))


def marked_words(text: str) -> int:
    return sum(1 for word in text.split() if not word.isascii())


# --- tables -------------------------------------------------------------------------------------------------


def test_tables_cover_every_vietnamese_letter() -> None:
    # VN3: 67 lowercase letters and the seven toneless capitals; VNI: all 134 letters, both cases.
    assert len(TCVN3_TABLE) == 74
    assert set(TCVN3_TABLE.values()) == ({*LOWER_LETTERS} - set(VOWELS)) | set("ĂÂÊÔƠƯĐ") | set("ăâêôơư")
    assert all(0xA1 <= ord(code) <= 0xFE for code in TCVN3_TABLE)
    assert set(LOWER_LETTERS + UPPER_LETTERS) - set("aeiouyAEIOUY") <= set(VNI_TABLE.values())
    assert all(len(seq) <= 2 and all(0x20 < ord(c) <= 0xFF for c in seq) for seq in VNI_TABLE)


@pytest.mark.parametrize(
    ("byte", "letter"),
    [(0xA7, "Đ"), (0xAD, "ư"), (0xAE, "đ"), (0xB8, "á"), (0xB9, "ạ"), (0xCB, "ậ"), (0xD6, "ệ"), (0xDF, "ò"),
     (0xE9, "ộ"), (0xEB, "ở"), (0xF9, "ự"), (0xFE, "ỵ")],
)  # fmt: skip
def test_tcvn3_positions_from_the_vn3_chart(byte: int, letter: str) -> None:
    assert to_unicode(bytes([byte]).decode("latin-1"), TCVN3) == letter


def test_tcvn3_table_agrees_with_glibc_iconv() -> None:
    """glibc's TCVN5712-1 is VN1, a superset of VN3: every VN3 position must decode the same."""
    iconv = shutil.which("iconv")
    if iconv is None:
        pytest.skip("iconv not installed: cannot cross-check the TCVN3 table")
    codes = "".join(TCVN3_TABLE)
    run = subprocess.run([iconv, "-f", "TCVN5712-1", "-t", "UTF-8"], input=codes.encode("latin-1"),
                         capture_output=True, check=False)  # fmt: skip
    if run.returncode != 0:
        pytest.skip(f"iconv has no TCVN5712-1: {run.stderr.decode(errors='replace').strip()}")
    assert unicodedata.normalize("NFC", run.stdout.decode()) == "".join(TCVN3_TABLE.values())


@pytest.mark.parametrize(("mark", "letters"), [("ù", "áéóúý"), ("ø", "àèòùỳ"), ("û", "ảẻỏủỷ"), ("õ", "ãẽõũỹ")])
def test_vni_tone_bytes_follow_their_vowel(mark: str, letters: str) -> None:
    assert to_unicode("".join(base + mark for base in "aeouy"), VNI) == letters


# --- conversion -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("legacy", "expected"), KNOWN_TCVN3)
def test_known_tcvn3_strings(legacy: str, expected: str) -> None:
    assert to_unicode(legacy, TCVN3) == expected


@pytest.mark.parametrize(("legacy", "expected"), KNOWN_VNI)
def test_known_vni_strings(legacy: str, expected: str) -> None:
    assert to_unicode(legacy, VNI) == expected


def test_every_letter_round_trips() -> None:
    for letter in LOWER_LETTERS + UPPER_LETTERS:
        assert to_unicode(to_vni(letter), VNI) == letter
    for letter in LOWER_LETTERS + list("ĂÂÊÔƠƯĐ"):
        assert to_unicode(to_tcvn3(letter), TCVN3) == letter
    # A capital with a tone exists in TCVN3 only in an all-capital font: inside a word typed in capitals.
    for letter in UPPER_LETTERS:
        assert to_unicode(to_tcvn3(f"T{letter}N"), TCVN3) == f"T{letter}N"


def test_sentences_hold_every_vowel_and_tone() -> None:
    """The sentences below are a real test of the vowels: each hatted vowel, đ and each tone occurs."""
    letters = set(unicodedata.normalize("NFD", " ".join(SENTENCES + HEADINGS).lower()))
    assert set(TONES[1:]) | {"\u0302", "\u0306", "\u031b", "đ"} <= letters
    assert set("ĂÂÊÔƠƯĐ") <= set(" ".join(SENTENCES))


@pytest.mark.parametrize("sentence", SENTENCES)
def test_sentences_round_trip(sentence: str) -> None:
    for encoding, encode in ((TCVN3, to_tcvn3), (VNI, to_vni)):
        legacy = encode(sentence)
        assert legacy != sentence
        assert to_unicode(legacy, encoding) == sentence
        assert detect(legacy) == encoding
        assert repair(legacy) == (sentence, encoding)


@pytest.mark.parametrize("heading", HEADINGS)
def test_capital_headings_round_trip(heading: str) -> None:
    assert repair(to_tcvn3(heading)) == (heading, TCVN3)
    assert repair(to_vni(heading)) == (heading, VNI)


def test_conversion_is_nfc_and_keeps_what_is_not_legacy() -> None:
    text = "Sè 12/Q§-UBND, 3,5 tû ®ång; “hîp ®ång” (x2)\t"
    out = to_unicode(text, TCVN3)
    assert out == "Số 12/QĐ-UBND, 3,5 tỷ đồng; “hợp đồng” (x2)\t"
    assert unicodedata.is_normalized("NFC", out)
    assert unicodedata.is_normalized("NFC", to_unicode(to_vni(SENTENCES[0]), VNI))


def test_stray_c1_controls_read_as_windows_1252() -> None:
    # pdfium gives a font's 0x93/0x94 as U+0093/U+0094; antiword already gives “ ”.
    assert to_unicode("\x93Céng hßa\x94 \x96 x\x85", TCVN3) == "“Cộng hòa” – x…"
    assert to_unicode("\x93Coäng hoøa\x94", VNI) == "“Cộng hòa”"


def test_unknown_encoding_is_an_error() -> None:
    with pytest.raises(ValueError, match="Unknown legacy encoding 'viscii'"):
        to_unicode("x", "viscii")


# --- detection ------------------------------------------------------------------------------------------------

ENGLISH = (
    "The Department of Industry and Trade held a conference on 18 January 2019 to review the emulation "
    "movement. Attendees discussed the 2020 plan, café supply chains and the naïve pricing of exports."
)
FRENCH = (
    "L'été dernier, nous sommes allés à Paris où nous avons visité le musée du Louvre. Le garçon a mangé une "
    "crème brûlée à la française, naïf et heureux ; « Voilà ! » dit-il. Où êtes-vous allés ? Août, goût, coût."
)
OTHER_LATIN = [
    "Det er viktig å huske at du må gå på kurs før du utfører kommandoene.",  # å is TCVN3 ồ: "gå" -> "gồ"
    "Für die Prüfung müssen Sie die Übungen in München schön lösen.",
    "El año pasado, el niño comió piñas en España.",
]
NOT_LEGACY = [
    "1234/QĐ-UBND",
    "Số 15/2003/QH11",
    "ISO 9001:2015, 0236.3822.123, 2021-03-05",
    "10 µm ± 2 µm; 25 °C; § 3 Abs. 2; © 2021",
    "Cà phê Sài Gòn",  # Latin-1 only: TCVN3 would read "phờ", "Gũn", syllables either way
    "Hoà Bình",  # VNI would read "Hồ"
    "Tân Phú, Gò Vấp, Bình Thạnh",
    ENGLISH,
    FRENCH,
    *OTHER_LATIN,
]


@pytest.mark.parametrize("text", NOT_LEGACY)
def test_ordinary_text_is_not_legacy(text: str) -> None:
    assert detect(text) is None
    assert repair(text) == (text, None)


def test_corpus_articles_are_not_legacy() -> None:
    for article in ARTICLES + RANKING_ARTICLES:
        for text in (article.title, article.body, *article.body.split("\n")):
            assert detect(text) is None, text
        assert repair(article.body) == (article.body, None)


def test_corpus_articles_typed_in_legacy_fonts_are_found() -> None:
    for article in ARTICLES + RANKING_ARTICLES:
        for encoding, encode in ((TCVN3, to_tcvn3), (VNI, to_vni)):
            legacy = encode(article.body)
            assert detect(legacy) == encoding, legacy
            repaired, found = repair(legacy)
            assert found == encoding
            # "Phòng HC-TH" alone is one marked word: found from the document, not by itself.
            assert repaired.casefold() == article.body.casefold()
            # A title that is half HTML ("<script>alert(1)</script>") has under 60 % Vietnamese words.
            if marked_words(article.title) >= 2 and "<" not in article.title:
                assert detect(encode(article.title)) == encoding, article.title


def test_one_marked_word_is_too_little_alone_but_converted_in_a_legacy_document() -> None:
    assert detect("ViÖt Nam") is None
    assert repair("ViÖt Nam") == ("ViÖt Nam", None)
    document = "ViÖt Nam\nCéng hßa X· héi chñ nghÜa ViÖt Nam"
    assert repair(document) == ("Việt Nam\nCộng hòa Xã hội chủ nghĩa Việt Nam", TCVN3)


def test_mixed_document_is_repaired_line_by_line() -> None:
    body = ARTICLES[6].body.split("\n") + ARTICLES[0].body.split("\n")
    lines = [
        "CéNG HßA X· HéI CHñ NGHÜA VIÖT NAM",
        "§éc lËp - Tù do - H¹nh phóc",
        "",
        *body,
        "Cà phê Sài Gòn",  # Latin-1 Unicode inside a TCVN3 document: nothing gained, left alone
        to_tcvn3("Nơi nhận: như trên; lưu văn thư."),
        "Director: Nguyễn Văn An",
    ]
    expected = [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "",
        *body,
        "Cà phê Sài Gòn",
        "Nơi nhận: như trên; lưu văn thư.",
        "Director: Nguyễn Văn An",
    ]
    assert repair("\r\n".join(lines)) == ("\r\n".join(expected), TCVN3)
    assert detect("\n".join(lines[3:])) is None


def test_vni_heading_above_unicode_body() -> None:
    text = to_vni(HEADINGS[2]) + "\n" + to_vni(SENTENCES[1]) + "\n" + ARTICLES[3].body
    assert repair(text) == (HEADINGS[2] + "\n" + SENTENCES[1] + "\n" + ARTICLES[3].body, VNI)


def test_real_corpus_has_no_false_positives(shared: Path) -> None:
    """Every body of the shared corpus is Unicode: none may be detected, and repair must change nothing."""
    path = shared / "corpus" / "articles.jsonl"
    if not path.is_file():
        pytest.skip(f"{path} not found: the corpus measurement needs the shared corpus")
    bodies = [json.loads(line)["body"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(bodies) > 1000
    detected = [body[:80] for body in bodies if detect(body) is not None]
    changed = [body[:80] for body in bodies if repair(body)[1] is not None]
    assert detected == [], f"{len(detected)} of {len(bodies)} bodies detected as legacy"
    assert changed == [], f"{len(changed)} of {len(bodies)} bodies changed by repair"
    # The same bodies typed in legacy fonts: nearly all are found (a few have one or two marked words).
    sample = [body for body in bodies[::10] if to_tcvn3(body) != body]
    for encoding, encode in ((TCVN3, to_tcvn3), (VNI, to_vni)):
        found = sum(detect(encode(body)) == encoding for body in sample)
        assert found >= 0.99 * len(sample), f"{encoding}: {found} of {len(sample)} legacy bodies found"
