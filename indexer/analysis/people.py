"""People named in administrative news, each with the title that introduces them (the "Người" facet).

Agency posts introduce whoever led or spoke with an honorific ("ông Hà Lê Thanh Chung"), or a title
before the name ("Phó Chủ tịch UBND tỉnh Lê Văn C") or after it ("Trần Thị B, Trưởng phòng HC-TH").
Rules over runs of capitalised syllables, anchored on those words: one regex finds the anchors (in C)
and only the few words around each anchor are looked at in Python, so an article costs about 0.4 ms.
On bench/people.py's labelled sentences underthesea's NER finds half the names (F1 0.50, 300 ms an
article) and its proper-noun tags near a title do no better (F1 0.51, 80 ms an article).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from indexer.analysis.text import fold, nfc, normalize_text


@dataclass(frozen=True)
class Person:
    """A name as written (capitalised, tone-normalised) and its title ("Phó Giám đốc") or None."""

    name: str
    title: str | None


# -- word lists ------------------------------------------------------------------------------------

# Offices and ranks, canonically written. "Phó" before any of them is part of the title; words such as
# "nguyên" (former) or "Thường trực" are not, so the facet groups "Phó Chủ tịch Thường trực" with the rest.
_OFFICES = (
    "Chủ tịch nước|Chủ tịch|Tổng Bí thư|Bí thư|Thủ tướng|Bộ trưởng|Thứ trưởng|Tổng thống|Ngoại trưởng|"
    "Thị trưởng|Thống đốc|Tổng Giám đốc|Giám đốc|Tổng cục trưởng|Cục trưởng|Vụ trưởng|Viện trưởng|"
    "Hiệu trưởng|Đội trưởng|Đồn trưởng|Tổ trưởng|Trạm trưởng|Trưởng phòng|Trưởng ban|Trưởng khoa|"
    "Trưởng đoàn|Trưởng thôn|Trưởng ấp|Trưởng bản|Trưởng Công an|Trưởng đại diện|Chánh Văn phòng|"
    "Chánh Thanh tra|Chánh án|Thẩm phán|Kiểm sát viên|Chủ nhiệm|Tổng Thư ký|Thư ký|Tổng Biên tập|Ủy viên|"
    "Đại biểu|Đại sứ|Tổng Lãnh sự|Người phát ngôn|Tư lệnh|Chính ủy|Tham mưu trưởng|Chỉ huy trưởng|"
    "Huấn luyện viên|Nữ hoàng|Quốc vương|Đại tướng|Thượng tướng|Trung tướng|Thiếu tướng|Chuẩn Đô đốc|"
    "Đô đốc|Đại tá|Thượng tá|Trung tá|Thiếu tá|Đại úy|Thượng úy|Trung úy|Thiếu úy"
).split("|")
# Written as abbreviations (matched case-sensitively: "hlv" is not a word).
_ABBREVIATED = {"HLV": "Huấn luyện viên", "TGĐ": "Tổng Giám đốc", "GĐ": "Giám đốc", "ĐBQH": "Đại biểu",
                "CEO": "CEO", "CFO": "CFO", "CIO": "CIO", "CTO": "CTO", "COO": "COO"}
# One office of several words whose first word is also an organ ("Ban Bí thư").
_PHRASES = {"thường trực ban bí thư": "Thường trực"}
# Honorifics and degrees introduce a name without being its title.
_HONORIFICS = "ông|bà|anh|chị|cô|thầy|cụ|ngài|đồng chí|nữ đồng chí|đ/c"
_DEGREE_WORDS = "tiến sĩ|thạc sĩ|giáo sư|phó giáo sư|bác sĩ|dược sĩ|luật sư|kỹ sư|nhà giáo"
_DEGREE_CODES = "GS|PGS|TS|ThS|Ths|TSKH|BS|BSCKII|BSCKI|CKII|CKI|KS|LS|NSND|NSƯT"
# A title right after one of these words names an organ, not a person's office ("Ban Giám đốc").
_ORGANS = ("ban", "văn phòng", "hội đồng", "đoàn", "báo", "tờ", "quỹ")

# Family names: a name that does not follow its title directly must start with one (the words between
# are an organisation or a place). The commonest ones decide where a place ends and a name begins.
_COMMON_SURNAMES = set(
    "nguyễn trần lê phạm hoàng huỳnh phan vũ võ đặng bùi đỗ hồ ngô dương lý đào đoàn trịnh trương vương "
    "lưu mai đinh lương tạ phùng chu".split())
_SURNAMES = _COMMON_SURNAMES | set(
    "hà tô cao lâm quách chử cù diệp đàm đồng giang hàn hầu khổng khúc kiều kim la lạc lại lò lục lữ lã "
    "mạc mẫn nghiêm ngụy nông ông phí quan quản thái thân thạch tiêu tôn tống triệu trình từ ứng vi viên âu "
    "bạch bế cầm châu doãn đường giáp hứa kha khuất khương mã mạch ninh nhữ ôn sầm tăng thiều tiết trà "
    "ung".split())
# Capitalised words that start an organisation's name ("Sở Tư pháp", "Bộ Công Thương").
_ORG_HEADS = set(
    "sở bộ ban cục vụ viện hội tổng trường khoa phòng quỹ đài báo tòa kho chi đảng nhà liên hiệp học đại "
    "bệnh ủy công ngân trung tập văn điện khối".split())
# A capitalised word and the lower-case word after it that make an organisation, not a name's end.
_ORG_PAIRS = set(
    "thanh niên|thanh tra|công an|công ty|ngân hàng|trung tâm|bệnh viện|học viện|tập đoàn|ủy ban|"
    "văn phòng|hội đồng|đại học|quốc hội|chính phủ|nhà nước|mặt trận|liên đoàn|hiệp hội|nông dân|"
    "phụ nữ|tỉnh ủy|thành ủy|huyện ủy|quận ủy|đảng ủy|quân đội|quân khu|công đoàn".split("|"))
# Places and countries that stand between a title and a name ("Tổng thống Mỹ Joe Biden").
_PLACES = set(
    "việt nam|mỹ|hoa kỳ|nga|pháp|anh|đức|ý|nhật|nhật bản|trung quốc|hàn quốc|triều tiên|ấn độ|úc|australia|"
    "canada|lào|campuchia|thái lan|singapore|indonesia|philippines|malaysia|myanmar|brunei|ukraine|séc|"
    "ba lan|hungary|tây ban nha|bồ đào nha|hà lan|bỉ|thụy sĩ|thụy điển|na uy|phần lan|đan mạch|áo|hy lạp|"
    "thổ nhĩ kỳ|iran|iraq|israel|palestine|ai cập|brazil|argentina|mexico|cuba|venezuela|chile|nam phi|"
    "nigeria|kenya|new zealand|đài loan|hồng kông|hong kong|mông cổ|belarus|armenia|azerbaijan|pakistan|"
    "afghanistan|bangladesh|eu|liên hợp quốc|châu âu|châu á|hà nội|hồ chí minh|hải phòng|đà nẵng|cần thơ|"
    "huế|an giang|bà rịa|vũng tàu|bắc giang|bắc kạn|bạc liêu|bắc ninh|bến tre|bình định|bình dương|"
    "bình phước|bình thuận|cà mau|cao bằng|đắk lắk|đắk nông|điện biên|đồng nai|đồng tháp|gia lai|hà giang|"
    "hà nam|hà tĩnh|hải dương|hậu giang|hòa bình|hưng yên|khánh hòa|kiên giang|kon tum|lai châu|lâm đồng|"
    "lạng sơn|lào cai|long an|nam định|nghệ an|ninh bình|ninh thuận|phú thọ|phú yên|quảng bình|quảng nam|"
    "quảng ngãi|quảng ninh|quảng trị|sóc trăng|sơn la|tây ninh|thái bình|thái nguyên|thanh hóa|"
    "thừa thiên huế|thừa thiên|tiền giang|trà vinh|tuyên quang|vĩnh long|vĩnh phúc|yên bái|phú quốc|"
    "hạ long|nha trang|đà lạt|thủ đức|hội an|móng cái|sa pa|quy nhơn|buôn ma thuột|biên hòa|uông bí|"
    "đông anh|cầu giấy|hoàn kiếm|ba đình|đống đa|thanh xuân|hà đông|long biên|tây hồ|hoàng mai|"
    "washington|moscow|bắc kinh|tokyo|seoul|paris|london|berlin|new delhi|bangkok|bà đen|bà chúa".split("|"))
# Places named after a person: the person when a title comes right before ("Chủ tịch Hồ Chí Minh").
_PERSON_PLACES = {"hồ chí minh"}
# Lower-case words that say a place's name follows ("UBND tỉnh Quảng Ninh", "TP Hội An").
_PROVINCE_MARKERS = {"tỉnh", "thành phố", "tp", "tp."}
_PLACE_MARKERS = _PROVINCE_MARKERS | {"huyện", "quận", "thị xã", "xã", "phường", "thị trấn", "thôn", "ấp", "bản",
                                      "nước", "bang", "vùng", "cửa khẩu", "khu", "đảo"}
# Lower-case words that may follow a title before the organisation ("Phó Chủ tịch thường trực UBND").
_TITLE_MODIFIERS = {"thường", "trực", "phụ", "trách", "điều", "hành", "kiêm", "danh", "dự", "tỉnh", "thành",
                    "phố", "huyện", "quận", "xã", "phường", "thị", "trấn", "nước", "khóa", "nhiệm", "kỳ", "trưởng",
                    "cũ", "luân", "phiên"}
# Modifiers of a title some writers capitalise ("Phó Chủ tịch Thường trực"): never the start of a name.
_CAPITALISED_MODIFIERS = {"thường", "trực", "phụ", "trách", "điều", "hành", "luân", "phiên"}
# Words that end the stretch between a title and its name: the sentence has moved on to a verb.
_STOPS = set(
    "đã sẽ đang vừa cho là được bị có không chưa nói khẳng nhấn yêu đề chủ tham cùng với tại khi thì mà này đó "
    "ấy rằng các những một để đến sau trước hay hoặc nhưng vì nên ký gửi trao tặng về việc".split())
# Capitalised words that begin a sentence or clause, not a name ("Theo Dmitry Trenin, giám đốc ...").
_LEADS = set("theo tại với cùng còn trong ngoài sau trước khi ngày sáng chiều tối hôm nhưng và".split())
_HONORIFIC_WORDS = set("ông bà anh chị cô thầy cụ ngài".split())


def _letters(upper: bool) -> str:
    """Latin letters of one case (Vietnamese needs Latin-1, Extended-A/B and Extended Additional)."""
    codes = [*range(0x41, 0x7B), *range(0xC0, 0x250), *range(0x1E00, 0x1F00)]
    return "".join(c for c in map(chr, codes) if c.isalpha() and (c.isupper() if upper else c.islower()))


_UP = _letters(upper=True)
_LOW = _letters(upper=False)


def _tone_variants(phrase: str) -> set[str]:
    """The phrase in both tone-mark conventions where they differ in our word lists ("ủy viên", "uỷ viên")."""
    return {phrase, phrase.replace("ủy", "uỷ").replace("úy", "uý")}


def _trie(phrases: Iterable[str]) -> str:
    """A regex matching any of the phrases, as a trie: the engine drops a position after one character
    instead of trying a hundred alternatives (four times faster on our articles). Spaces match any
    spacing; longer phrases win ("chủ tịch nước" over "chủ tịch")."""
    root: dict[str, dict] = {}
    for phrase in phrases:
        node = root
        for char in phrase:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        branches = [(r"\s+" if c == " " else re.escape(c)) + emit(child) for c, child in sorted(node.items()) if c]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
        return f"(?:{body})?" if "" in node else body

    return emit(root)


def _anchor_table() -> tuple[dict[str, tuple[str, str | None]], set[str]]:
    """Lower-cased, tone-normalised anchor → (kind, canonical title), and every spelling to match."""
    table: dict[str, tuple[str, str | None]] = {}
    for office in _OFFICES:
        canonical = normalize_text(office)
        table[canonical.lower()] = ("title", canonical)
        table[f"phó {canonical.lower()}"] = ("title", f"Phó {canonical}")
    table |= {phrase: ("title", title) for phrase, title in _PHRASES.items()}
    table |= {w: ("honorific", None) for w in _HONORIFICS.split("|")}
    table |= {w: ("degree", None) for w in _DEGREE_WORDS.split("|")}
    spellings = {v for key in table for v in _tone_variants(key)} | {c.lower() for c in _CODES}
    return table, spellings


# Abbreviations, matched as written ("TS", not "ts"): kind and canonical title.
_CODES: dict[str, tuple[str, str | None]] = {
    **{code: ("title", title) for code, title in _ABBREVIATED.items()},
    **{code: ("degree", None) for code in _DEGREE_CODES.split("|")}}
_ANCHORS, _SPELLINGS = _anchor_table()
_ANCHOR = re.compile(rf"(?<![\w/])(?i:{_trie(_SPELLINGS)})(?!\w)")
_DEGREE = rf"(?:{_DEGREE_CODES}|(?i:{_trie(_DEGREE_WORDS.split('|'))}))"
# The rest of a chain of degrees after the first: "PGS.TS", "GS. TS", "tiến sĩ, bác sĩ".
_DEGREE_TAIL = re.compile(rf"(?:\s*[.,]?\s*{_DEGREE}(?!\w))*\.?")
# A name word: capitalised (not all capitals: "UBND"), hyphen-joined parts allowed ("Kwang-mo"), one
# capital letter as an initial ("John F. Kennedy"), or a regnal number ("Elizabeth II").
_WORD = rf"(?:[{_UP}][{_LOW}]+(?:-[{_UP}{_LOW}][{_LOW}]*)*|[{_UP}]\.?|[IVX]{{2,4}})(?![\w])"
_RUN = re.compile(rf"{_WORD}(?:[ \t]+{_WORD})*")
# A run just before a title, behind an optional bracket, separator and "nguyên" (former).
_RUN_BEFORE = re.compile(
    rf"(?<!\w)(?P<run>{_WORD}(?:[ \t]+{_WORD}){{1,6}})[ \t]*(?:\([^()]{{0,40}}\))?[ \t]*(?P<sep>[,\-–—(]?)[ \t]*"
    r"(?:(?i:nguyên|cựu|tân|quyền|đương kim)[ \t]+)?$")
# An honorific or a degree just before a name ("ông Lê Trung Chinh - Chủ tịch").
_INTRO_BEFORE = re.compile(
    rf"(?<![\w/])(?:(?i:{_trie(_HONORIFICS.split('|'))})|{_DEGREE}{_DEGREE_TAIL.pattern})[ \t]+$")
_NEXT_UPPER = re.compile(rf"\s+[{_UP}]")
_TOKEN = re.compile(r"[^\s,;:()\"“”!?]+")
# Where a sentence starts: a capitalised honorific there is one, elsewhere part of a name ("Bà Rịa").
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\"“”'(…\n\-–—])\s*$")
# Where a clause starts: a name there needs no family name before its title ("Jen Psaki, Thư ký").
_CLAUSE_START = re.compile(r"(?:^|[.!?:;,\"“”'(…\n\-–—])\s*$")
_SCAN_TOKENS = 14
_MAX_WORDS = 5


@dataclass(frozen=True)
class _Anchor:
    """A title, an honorific or a degree (a chain of them: "PGS.TS") found in the text."""

    kind: str
    start: int
    end: int
    title: str | None


def _kind(written: str) -> tuple[str, str | None]:
    """("title", canonical title), ("honorific", None), ("degree", None), or ("", None) for no anchor."""
    return _CODES.get(written) or _ANCHORS.get(" ".join(normalize_text(written).lower().split()), ("", None))


def _anchor(text: str, m: re.Match[str] | None) -> _Anchor | None:
    """The anchor a match of _ANCHOR is, or None: an abbreviation in the wrong case ("ts"), a title
    that names an organ ("Ban Giám đốc"), an honorific or degree with no capitalised word after it."""
    if m is None:
        return None
    written = m.group()
    kind, title = _kind(written)
    if kind == "title":
        return None if _organ_before(text, m.start()) else _Anchor(kind, m.start(), m.end(), title)
    if not kind:
        return None
    end = _DEGREE_TAIL.match(text, m.end()).end() if kind == "degree" else m.end()
    return _Anchor(kind, m.start(), end, None) if _NEXT_UPPER.match(text, end) else None


def _anchors(text: str) -> Iterator[_Anchor]:
    for m in _ANCHOR.finditer(text):
        if found := _anchor(text, m):
            yield found


def _anchor_at(text: str, pos: int) -> _Anchor | None:
    return _anchor(text, _ANCHOR.match(text, pos))


def _title_at(text: str, pos: int) -> bool:
    """True when a title starts at pos (a name's run ends before it: "Nguyễn Bá Diệp Phó Chủ tịch")."""
    m = _ANCHOR.match(text, pos)
    return bool(m) and _kind(m.group())[0] == "title"


def _norm(words: list[str]) -> list[str]:
    """Lower-cased, tone-normalised words, for looking them up in the lists."""
    return normalize_text(" ".join(words)).lower().split(" ")


def _place_length(low: list[str]) -> int:
    """How many leading words form a known place ("Hà Nội", "Tây Ban Nha"), 0 if none."""
    for k in (4, 3, 2, 1):
        if len(low) >= k and " ".join(low[:k]) in _PLACES:
            return k
    return 0


@dataclass(frozen=True)
class _Found:
    """A name found at an offset of the text."""

    start: int
    name: str


def _make(start: int, words: list[str]) -> _Found | None:
    """A name from its words, when there are 2 to 5 of them and the first is no initial ("chị A. Hiện
    trường hợp"): capitalised, tone-normalised."""
    if not 2 <= len(words) <= _MAX_WORDS or len(words[0].rstrip(".")) == 1:
        return None
    return _Found(start, normalize_text(" ".join(w[:1].upper() + w[1:] for w in words)))


def _run_words(text: str, run: re.Match[str]) -> tuple[list[str], list[int]]:
    """The words of a run and their offsets, cut before a title ("Nguyễn Bá Diệp Phó Chủ tịch") and
    without a last word that starts an organisation with the next word ("Bí thư Đoàn Thanh niên")."""
    words: list[str] = []
    starts: list[int] = []
    for m in re.finditer(r"\S+", run.group()):
        at = run.start() + m.start()
        if _title_at(text, at):
            return words, starts
        words.append(m.group())
        starts.append(at)
    if text[run.end():run.end() + 2] == ", ":
        return words, starts
    following = _TOKEN.match(text, run.end() + 1) if text[run.end():run.end() + 1] == " " else None
    if following and following.group()[0].islower() and " ".join(_norm([words[-1], following.group()])) in _ORG_PAIRS:
        return words[:-1], starts[:-1]
    return words, starts


def _split(low: list[str], adjacent: bool, known_place: bool, marker: str) -> int | None:
    """Where the name starts in a run met after a title, or None.

    At a family name; after a marker of a district or a commune with an unlisted name ("xã Phong Khê
    Nguyễn Văn A") only at a common one; anywhere else at the first common one ("Habeco Trần Đình
    Thanh"), or at once when nothing but abbreviations and known places came between the title and the
    run ("Tổng thống Mỹ Joe Biden").
    """
    common = next((i for i, w in enumerate(low) if w in _COMMON_SURNAMES and 2 <= len(low) - i <= _MAX_WORDS),
                  None)
    if marker and not known_place and marker not in _PROVINCE_MARKERS:
        return common
    if low[0] in _SURNAMES:
        return 0
    if common is not None:
        return common
    if adjacent or known_place:
        return 0
    # "Chủ tịch luân phiên của Huawei Từ Chí Quân": a rarer family name with a full name after it
    return next((i for i, w in enumerate(low) if i and w in _SURNAMES and len(low) - i == 3), None)


def _name_in_run(text: str, run: re.Match[str], adjacent: bool, marker: str, after_org: bool) -> _Found | None | bool:
    """The name in a run met after a title; False when the run starts another title (stop there)."""
    if _title_at(text, run.start()):
        return False
    words, starts = _run_words(text, run)
    if not words:
        return None
    low = _norm(words)
    i = 0
    while i < len(low) - 1 and low[i] in _CAPITALISED_MODIFIERS:
        i += 1  # "Phó Tổng Giám Đốc Thường Trực VinSmart"
    while i < len(low) - 1 and low[i] in _ORG_HEADS and low[i] not in _SURNAMES:
        i += 1  # "Sở Tô Văn Động": the organ, then the name
    after_org = after_org or i > 0
    known_place = False
    for j in range(len(low) - 2, i - 1, -1):  # "Targa Australia Eugene Arocca": after the last place
        if (k := _place_length(low[j:])) and j + k <= len(low) - 2:
            i, known_place = j + k, True
            break
    rest = low[i:]
    if adjacent and not marker and " ".join(rest) in _PERSON_PLACES:
        return _make(starts[i], words[i:])  # "Chủ tịch Hồ Chí Minh"
    if len(rest) < 2 or _place_length(rest) == len(rest):
        return None
    at = _split(rest, adjacent and not after_org, known_place, marker)
    if at is None or (after_org and len(rest) - at < 3) or _place_length(rest[-2:]) == 2:
        return None  # "Bệnh viện Bạch Mai", "Hoàng Anh Gia Lai": the organisation's own name
    name = _make(starts[i + at], words[i + at:])
    if rest[at] not in _SURNAMES and text[run.end():run.end() + 2] == ", ":
        return _name_after_comma(text, run.end() + 1, marker) or name  # "Phó Chủ tịch Man Utd, Ed Woodward"
    return name


def _name_after_title(text: str, pos: int) -> _Found | None:
    """The name a title introduces: after the organisation and place the title heads, if any, and
    before the sentence moves on (a verb, another title, the end of the sentence)."""
    adjacent, dashed, marker, after_org, previous = True, False, "", False, ""
    for _ in range(_SCAN_TOKENS):
        while pos < len(text) and text[pos] in " \t":
            pos += 1
        char = text[pos:pos + 1]
        if not char:
            return None
        if char == ",":
            return _name_after_comma(text, pos + 1, marker)
        if char in "-–—(":
            close = text.find(")", pos, pos + 40) if char == "(" else pos
            if close < 0:
                return None
            adjacent, pos, dashed = False, close + 1, char != "("
            continue
        anchor = _anchor_at(text, pos)
        if anchor and anchor.kind != "title" and (adjacent or dashed):
            return _name_at(text, anchor)  # "Chủ tịch Tập đoàn LG - ông Koo Kwang-mo"
        dashed = False
        run = _RUN.match(text, pos)
        if run:
            found = _name_in_run(text, run, adjacent, marker, after_org)
            if found is not None:
                return found or None
            # the marker stays: this run was its place, and a comma next lists more places
            low = _norm(run.group().split())
            adjacent, pos, previous = False, run.end(), low[-1]
            after_org = all(w in _ORG_HEADS for w in low)
            continue
        token = _TOKEN.match(text, pos)
        if not token:
            return None
        word = token.group()
        low = normalize_text(word).lower()
        if word[0].islower():
            if low.rstrip(".") in _STOPS:
                return None
            pair = f"{previous} {low}"
            after_org = pair in _ORG_PAIRS
            marker = low if low in _PLACE_MARKERS else pair if pair in _PLACE_MARKERS else ""
            adjacent = adjacent and low in _TITLE_MODIFIERS
        elif word[0].isupper():  # UBND, "TP.", TP.HCM, NN&PTNT, VPBank
            marker = low if low in _PLACE_MARKERS else ""
        elif not word[0].isdigit():
            return None
        if word.endswith(".") and not word.isupper():
            return None  # the sentence ended
        previous, pos = low, token.end()
    return None


def _name_after_comma(text: str, pos: int, marker: str) -> _Found | None:
    """A name right after the comma that ends a title's organisation: "Ngoại trưởng Indonesia, bà Retno
    Marsudi", "Chủ tịch Juventus, Andrea Agnelli". A plain run must be no place, organ or title, and
    not follow a place ("thôn Yên Vực, Yên Cảnh" lists places)."""
    while pos < len(text) and text[pos] in " \t":
        pos += 1
    if _ANCHOR.match(text, pos):
        anchor = _anchor_at(text, pos)
        return _name_at(text, anchor) if anchor and anchor.kind != "title" else None
    run = _RUN.match(text, pos)
    if not run or marker:
        return None
    words, starts = _run_words(text, run)
    low = _norm(words) if words else []
    if not 2 <= len(low) <= 4 or low[0] in _ORG_HEADS or low[0] in _LEADS or _place_length(low):
        return None
    return _make(starts[0], words)


def _name_at(text: str, anchor: _Anchor) -> _Found | None:
    """The name right after an honorific or a degree ("ông Trần Tuấn Dương", "TS Vũ Xuân Giang")."""
    pos = anchor.end
    while pos < len(text) and text[pos] in " \t":
        pos += 1
    run = _RUN.match(text, pos)
    if not run:
        return None
    words, starts = _run_words(text, run)
    if len(words) < 2:
        return None
    low = _norm(words)
    if (low[0] in _ORG_HEADS and low[0] not in _SURNAMES) or _place_length(low):
        return None
    if _place_length(_norm([text[anchor.start:anchor.end], words[0]])) == 2:
        return None  # "Bà Rịa", "núi Bà Đen"
    return _make(starts[0], words)


def _name_before_title(text: str, start: int) -> _Found | None:
    """The name just before a title, behind a comma, a dash or a bracket (or nothing, after an
    honorific): "Lưu Văn An, Phó Bí thư", "ông Lê Trung Chinh - Chủ tịch", "bà Cầm Thị Mẫn (Sinh năm
    1970), Bí thư", "ông Nguyễn Bá Diệp Phó Chủ tịch"."""
    window = max(0, start - 90)
    m = _RUN_BEFORE.search(text, window, start)
    if not m:
        return None
    words = m.group("run").split()
    offsets = [m.start("run") + w.start() for w in re.finditer(r"\S+", m.group("run"))]
    low = _norm(words)
    lead = 0
    while lead < len(low) and (low[lead] in _LEADS or low[lead] in _HONORIFIC_WORDS):
        lead += 1
    introduced = (any(w in _HONORIFIC_WORDS for w in low[:lead])
                  or bool(_INTRO_BEFORE.search(text, window, offsets[0])))
    if not m.group("sep") and not introduced:
        return None
    rest = low[lead:]
    if len(rest) < 2 or rest[0] in _ORG_HEADS or _place_length(rest):
        return None
    if not (rest[0] in _SURNAMES or introduced or lead or _CLAUSE_START.search(text, window, offsets[0])):
        return None
    return _make(offsets[lead], words[lead:])


def _organ_before(text: str, start: int) -> bool:
    """True when a word before the title makes it an organ: "Ban Giám đốc", "Văn phòng Chủ tịch nước"."""
    before = normalize_text(text[max(0, start - 12):start]).lower().rstrip()
    return any(before.endswith(organ) and not before[:-len(organ)][-1:].isalpha() for organ in _ORGANS)


def people(text: str) -> list[Person]:
    """People introduced by a title or an honorific, in order of first appearance, one per name.

    1. Find the anchors: titles, honorifics (lower-case, or capitalised where a sentence starts) and
       degrees. 2. After an honorific or a degree, the name is the run of capitalised words that
    follows. 3. After a title, the name follows the organisation and place the title heads. 4. Before
    a title, a name behind a comma or a dash takes that title. 5. One entry per name (person_key),
    with the first title found for it: one before the name wins over one after it.
    """
    text = nfc(text)
    found: list[tuple[_Found, int, str | None]] = []
    for anchor in _anchors(text):
        if anchor.kind == "title":
            for hit in (_name_after_title(text, anchor.end), _name_before_title(text, anchor.start)):
                if hit:
                    found.append((hit, anchor.start, anchor.title))
        elif not (anchor.kind == "honorific" and text[anchor.start].isupper()
                  and not _SENTENCE_START.search(text, max(0, anchor.start - 3), anchor.start)):
            hit = _name_at(text, anchor)  # a capitalised honorific mid-sentence is part of a name
            if hit:
                found.append((hit, len(text), None))
    return _merge(found)


def _merge(found: list[tuple[_Found, int, str | None]]) -> list[Person]:
    """One Person per person_key, at its first appearance, with the title found first (the earliest)."""
    first: dict[str, _Found] = {}
    titles: dict[str, tuple[int, str]] = {}
    for hit, title_at, title in found:
        key = person_key(hit.name)
        if key not in first or hit.start < first[key].start:
            first[key] = hit
        if title and (key not in titles or title_at < titles[key][0]):
            titles[key] = (title_at, title)
    order = sorted(first, key=lambda k: first[k].start)
    return [Person(first[k].name, titles[k][1] if k in titles else None) for k in order]


def person_key(name: str) -> str:
    """The folded name, for matching and filtering: "Hà Lê Thanh Chung" → "ha le thanh chung"."""
    return " ".join(fold(w) for w in re.findall(r"[^\W_]+", normalize_text(name)))
