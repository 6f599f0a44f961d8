"""Departments from signature lines: "Phòng HC-TH", "Thu Hà - Phòng QLTM", "Nguồn tin: TT Khuyến công".

Agency posts are signed by the office that wrote them; that line is the department facet.
"""

from __future__ import annotations

import re

from crawl.html import clean_text

# Words that start the name of an office, longest first so "Văn phòng" wins over "Phòng".
_UNIT_WORDS = ["văn phòng", "trung tâm", "chi cục", "thanh tra", "bộ phận", "hội đồng", "ủy ban", "uỷ ban",
               "ubnd", "phòng", "ban", "sở", "cục", "vụ", "đội", "trạm", "tổ", "viện", "đoàn", "hội"]
# Abbreviations that stand for a unit word (case-sensitive: "TT" yes, "tt" no).
_ABBREVIATIONS = {"TT": "Trung tâm", "VP": "Văn phòng", "P.": "Phòng", "TTr": "Thanh tra"}
_UNIT = re.compile(
    r"(?:^|(?<=[\-–—,(:/])\s*|(?<=[\-–—,(:/]\s))(?:(?i:" + "|".join(re.escape(w) for w in _UNIT_WORDS) + r")|"
    + "|".join(re.escape(a) for a in _ABBREVIATIONS) + r")(?=[\s.]+\S)"
)
_SOURCE = re.compile(
    r"^\(?\s*(?:(?P<source>nguồn\s*tin|nguồn|theo)|tác\s*giả|người\s*viết|tin\s*(?:và|,)\s*ảnh)\s*[:：]\s*(?P<text>.+?)\)?$",
    re.IGNORECASE,
)
MAX_SIGNATURE = 80


def _looks_like_sentence(line: str) -> bool:
    return len(line) > MAX_SIGNATURE or len(line.split()) > 12 or line.rstrip().endswith((":", ";", "?"))


def find_signature(lines: list[str], *, look_back: int = 3) -> tuple[str, str] | None:
    """(raw line, department) from the last few body lines, or None.

    A signature is a short line naming a unit ("Phòng HC-TH"), possibly after an author's name
    ("Thu Hà - Phòng QLTM"), or a "Nguồn tin:"/"Tác giả:" line.
    """
    for line in reversed(lines[-look_back:]):
        raw = clean_text(line)
        if not raw or _looks_like_sentence(raw):
            continue
        department = department_from_line(raw)
        if department:
            return raw, department
    return None


def department_from_line(raw: str) -> str | None:
    """The unit named in one signature or source line."""
    text = raw.strip(" .;,")
    source = _SOURCE.match(text)
    if source:
        text = source.group("text").strip(" .;,()")
    match = _UNIT.search(text)
    if match is not None and not _names_a_unit(text[match.start():]):
        match = None
    if match is None:
        # "Nguồn: Báo Hà Nội mới" names a source worth keeping; "Tác giả: <a person>" does not.
        return text if source and source.group("source") and text else None
    department = text[match.start():].strip(" .;,()-–—")
    if len(department.split()) > 10:
        return None
    return department or None


# Words that also start ordinary sentences ("Hội nghị...", "Sở dĩ..."): a unit only before a name.
_WEAK_UNITS = {"hội", "tổ", "ban", "đoàn", "vụ", "cục", "sở", "đội", "trạm", "viện", "ủy ban", "uỷ ban"}


def _names_a_unit(text: str) -> bool:
    """ "Hội nghị kết thúc..." is a sentence; "Ban Quản lý dự án", "SỞ CÔNG THƯƠNG" name units."""
    words = text.split()
    if len(words) > 10 or (text.endswith(".") and len(words) > 5):
        return False
    if words[0].lower() not in _WEAK_UNITS or text.isupper() or len(words) < 2:
        return True
    following = words[1]
    return following[:1].isupper()


def normalize_department(name: str) -> str:
    """One spelling per unit: expand "TT", and turn an all-capitals line into "Phòng Hành chính - Tổng hợp".

    Abbreviations (short or hyphenated all-capital tokens such as "HC-TH", "QLTM") keep their capitals.
    """
    text = clean_text(name).strip(" .;,")
    first, _, rest = text.partition(" ")
    if first in _ABBREVIATIONS and rest:
        text = f"{_ABBREVIATIONS[first]} {rest}"
    letters = [c for c in text if c.isalpha()]
    if letters and all(c.isupper() for c in letters):
        text = _unshout(text)
    return text


def _unshout(text: str) -> str:
    out: list[str] = []
    capitalise_next = True
    for word in text.split():
        if word in ("-", "–", "—"):
            out.append(word)
            capitalise_next = True
            continue
        if _is_abbreviation(word):
            out.append(word)  # an abbreviation such as HC-TH, QLTM, CNTT
            capitalise_next = False
            continue
        low = word.lower()
        out.append(low[:1].upper() + low[1:] if capitalise_next else low)
        # the unit word ends here: the unit's own name starts with a capital ("Phòng Hành chính")
        capitalise_next = " ".join(out).lower() in _UNIT_WORDS
    return " ".join(out)


_COMMON_SHORT = {"trung", "thanh", "tra", "nam", "tin", "than", "long", "minh", "chung", "hung", "thu",
                 "và", "các", "của", "hoá", "hóa", "thể", "thao", "học", "nội", "vụ", "tư", "pháp", "dân",
                 "số", "y", "tế", "giao", "thông", "công", "nghệ", "xây", "dựng", "tài", "kế", "hoạch", "chính",
                 "tổng", "hợp", "quản", "lý", "thị", "kinh", "cán", "bộ", "đào", "tạo", "văn", "phòng", "sở", "ban"}


def _is_abbreviation(word: str) -> bool:
    """HC-TH, QLTM, CNTT, UBND: hyphenated, or plain capitals with at most one vowel."""
    if "-" in word.strip("-") or "&" in word:
        return True
    plain = word.strip("().,")
    vowels = sum(c in "AEIOUY" for c in plain)
    return plain.isascii() and plain.isalnum() and len(plain) >= 2 and vowels <= 1 \
        and plain.lower() not in _COMMON_SHORT
