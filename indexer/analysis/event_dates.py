"""Calendar days a post's body says things happen on ("Sáng ngày 18/01/2019, … tổ chức Hội nghị"), for
the `event_dates` field: people remember when a meeting was, rarely when it was posted.

Regular expressions rather than a date parser: agency posts write dates in a handful of shapes, and a
general parser reads "ngày 5 tháng 3 năm 2020" wrongly and turns document numbers into dates.

1. Candidates: d/m/yyyy, d-m-yyyy, d.m.yyyy, "5 tháng 3 năm 2020", and yearless "16/5", "16-5",
   "5 tháng 3". A candidate never sits inside a longer code or number ("15/2003/QH11", "0912.345.678",
   "B61-12", "tháng 3/2020": a year where a month would be).
2. Which count: a full numeric date always; a yearless or worded one only after "ngày" or a part of the
   day (sáng, trưa, chiều, tối, đêm, hôm, weekdays, "hôm qua (…)"), or right after a date it continues
   ("ngày 22/4 và 23/4", "từ 15/5 đến 20/5"). A bare "3/4" is a fraction or a score more often than not.
3. Left out: a document's issue date (after its number, "Quyết định 12 …" or "ban hành", within a few
   words), a document's signature line ("Hà Nội, ngày 29 tháng 6 năm 2006" alone on its line), yearly
   rules ("ngày 15 tháng 10 năm trước"), lunar dates ("18/3 âm lịch"), counts ("ngày 2-3 lần").
4. Years: a yearless date takes the year of the range end it starts ("từ 28/12 đến 2/1/2020"), else the
   latest year that puts it no later than a month after publication (a post of 10/01/2020 saying
   "ngày 28/12" means 2019). Only 1945 to the publication year + 1 (today's + 1 without one).

Text is NFC'd and lower-cased once; the keywords have no tone-mark variants (no "oa"/"oe"/"uy" vowels),
so normalize_text's per-syllable rewrite would cost time for nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from indexer.analysis.text import nfc

_FIRST_YEAR = 1945
_FUTURE = timedelta(days=31)  # how far after publication a yearless date may lie (an announced meeting)
_LOOK_BACK = 48  # characters before a candidate searched for its lead word and listed days
_ISSUE_LOOK_BACK = 90  # characters before a lead searched for a document number

_DIGIT = re.compile(r"[0-9]")
_D = r"[0-9]{1,2}"
_LETTER = r"[^\W\d_]"
# Not inside a code or number: no letter, digit, "/" or "." before ("-" may be: "30/4-1/5"), nor a
# decimal comma; after, no letter or digit, no "/x", no "-letter" (a code) and no ".digit" (a version).
_CANDIDATE = re.compile(
    rf"(?<![\w/.])(?<![0-9],)"
    rf"(?:(?P<d>{_D})(?P<sep>[/.\-])(?P<m>{_D})(?:(?P=sep)(?P<y>[0-9]{{4}}))?"
    rf"|(?P<wd>{_D})\s+tháng\s+(?P<wm>{_D})(?:\s*,?\s*(?:năm\s+|/\s*)(?P<wy>[0-9]{{4}}))?)"
    rf"(?!\w|/\w|-{_LETTER}|\.[0-9])"
)
_WEEKDAY = r"thứ\s+(?:hai|ba|tư|năm|sáu|bảy|[2-7])|chủ\s+nhật"
# What may stand right before a date: its lead ("sáng", "hôm qua (", "ngày", "thứ hai,") and the other
# days of a list or range sharing its month ("ngày 15 và 16/5", "từ ngày 15 đến 17/5", "15-17/5").
# "mỗi ngày 2-3 lần" has no date; "từ" leads only a range (checked later).
_LEAD = re.compile(
    rf"(?:(?<!{_LETTER})(?P<lead>(?:(?<!mỗi )(?<!hằng )(?<!hàng )(?<!một )ngày|sáng|trưa|chiều|tối|đêm|hôm|khuya"
    rf"|mùng|mồng)(?:\s+(?:sớm|nay|qua|mai|hôm|sau|mùng|mồng|{_WEEKDAY}))*|{_WEEKDAY})\s*[,(]?\s*"
    rf"|(?<!{_LETTER})(?P<since>từ)\s+)?"
    rf"(?P<days>(?<![\w/.\-–])(?<!tháng )(?:{_D}\s*(?:,|-|–|và|đến(?:\s+hết)?|tới)\s*(?:ngày\s+)?)+)?$"
)
_LISTED_DAY = re.compile(_D)
# Between two dates that form a range or a list.
_LINK = re.compile(r"\s*(?:,|-|–|—|và|(?:cho\s+)?(?:đến|tới)(?:\s+hết)?)\s*(?:(?:hết\s+)?ngày\s+)?")
# A document number or "ban hành" a few words before the date: the document's issue date. Words such
# as "từ", "đến", "lúc" between them make it a date the document sets ("có hiệu lực từ ngày …").
_ISSUED = re.compile(
    rf"(?:(?<!{_LETTER})ban\s+hành"
    rf"|(?<![\w/.\-])[0-9]+[/\-][\w/.\-]*{_LETTER}[\w/.\-]*"
    rf"|(?<!{_LETTER})(?:luật|nghị\s+định|nghị\s+quyết|thông\s+tư|quyết\s+định|chỉ\s+thị|pháp\s+lệnh|công\s+văn"
    rf"|công\s+điện|hiến\s+pháp|kế\s+hoạch|thông\s+báo|văn\s+bản)(?:\s+số)?\s*[0-9][\w/.\-]*)"
    rf"[\s,]*(?:(?!(?:từ|kể|đến|tới|vào|lúc|hết|trước|sau)(?!\w)){_LETTER}++[\s,]*){{0,6}}$"
)
_SIGNATURE_PLACE = re.compile(rf"\s*{_LETTER}+(?:\s+{_LETTER}+){{0,3}}\s*,\s*")
# After a yearless date: a rule for every year, or a lunar date.
_NOT_A_DAY = re.compile(
    r"\s*(?:(?:của\s+)?(?:năm\s+(?:trước|sau|báo\s+cáo|tiếp\s+theo|kế\s+tiếp|liền\s+kề|đó)|hằng\s+năm|hàng\s+năm"
    r"|mỗi\s+năm)|\(?\s*(?:âm\s+lịch|âl\b))"
)
# After a yearless "d-m": a count ("ngày 2-3 lần"); "ngày 28/4 giờ địa phương" is a date.
_COUNTED = re.compile(r"\s*(?:(?:lần|viên|giờ|tiếng|phút|người|ca|km|kg|tuổi|triệu|tỷ|nghìn|ngàn)(?!\w)|%)")


@dataclass
class _Candidate:
    start: int
    end: int
    day: int
    month: int
    year: int | None
    numeric: bool  # 18/01/2019 rather than "18 tháng 1 năm 2019"
    days: list[int]  # the other listed days of the same month
    lead: str | None  # "day" (ngày, sáng, …), "since" (từ) or None
    issued: bool  # a document's issue date or signature line
    not_a_day: bool  # a yearly rule, a lunar date or a count
    linked: bool = False  # a range or list goes on to the next candidate
    keep: bool = False


def event_dates(text: str, published: str | date | None = None) -> list[date]:
    """The calendar days the text places events on, sorted and unique (see the module doc).

    `published` (ISO "2019-01-18", "2019-01-18T08:30:00+07:00", a date, or None) dates yearless
    mentions; without it they are left out.
    """
    if _DIGIT.search(text) is None:  # most titles and many short posts: no date to look for
        return []
    low = nfc(text).lower()
    pub = _published_date(published)
    candidates = _candidates(low)
    if not candidates:
        return []
    _decide(low, candidates)
    last_year = (pub or date.today()).year + 1
    out: set[date] = set()
    resolved: date | None = None  # the next candidate's date, for a range start without a year
    for cand in reversed(candidates):
        following, resolved = resolved, None
        if not cand.keep:
            continue
        if cand.year is not None:
            year = cand.year
        elif cand.linked and following is not None:
            year = following.year - ((cand.month, cand.day) > (following.month, following.day))
        elif pub is not None:
            year = _year_near(cand.day, cand.month, pub)
        else:
            continue
        if year is None or not _FIRST_YEAR <= year <= last_year:
            continue
        day = _valid(year, cand.month, cand.day)
        if day is None:
            continue
        resolved = day
        out.add(day)
        out.update(d for d in (_valid(year, cand.month, listed) for listed in cand.days if listed < cand.day) if d)
    return sorted(out)


def format_event_date(d: date) -> str:
    """18/01/2019: how Vietnamese posts write a day."""
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def _published_date(published: str | date | None) -> date | None:
    if published is None or isinstance(published, date):
        return published.date() if isinstance(published, datetime) else published
    try:
        return date.fromisoformat(published.strip()[:10])
    except ValueError:
        return None


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _year_near(day: int, month: int, pub: date) -> int | None:
    """The latest year putting day/month no later than a month after publication (29/2 looks back)."""
    limit = pub + _FUTURE
    for year in range(pub.year + 1, pub.year - 8, -1):
        when = _valid(year, month, day)
        if when is not None and when <= limit:
            return year
    return None


def _candidates(low: str) -> list[_Candidate]:
    out: list[_Candidate] = []
    for match in _CANDIDATE.finditer(low):
        numeric = match.group("d") is not None
        day = int(match.group("d") if numeric else match.group("wd"))
        month = int(match.group("m") if numeric else match.group("wm"))
        if not (1 <= day <= 31 and 1 <= month <= 12):
            continue
        year_text = match.group("y") if numeric else match.group("wy")
        start, end = match.span()
        lead = _LEAD.search(low, max(0, start - _LOOK_BACK), start)  # lookbehinds still see the text before
        kind = None
        days: list[int] = []
        lead_start = start
        if lead is not None:
            kind = "day" if lead.group("lead") else "since" if lead.group("since") else None
            if lead.group("days") and (kind or year_text):
                days = [int(d) for d in _LISTED_DAY.findall(lead.group("days"))]
            if kind or days:
                lead_start = lead.start()
        if numeric and year_text is None and match.group("sep") == ".":
            kind = None  # "sáng 16.5" is rare, "tăng 2.5" is not
        bare_ngay = kind is None or (kind == "day" and lead.group("lead") == "ngày")
        issued = bare_ngay and (_ISSUED.search(low, max(0, lead_start - _ISSUE_LOOK_BACK), lead_start) is not None
                                or (year_text is not None and _signature_line(low, lead_start, end)))
        not_a_day = year_text is None and (_NOT_A_DAY.match(low, end) is not None
                                           or (match.group("sep") == "-" and _COUNTED.match(low, end) is not None))
        out.append(_Candidate(start, end, day, month, int(year_text) if year_text else None, numeric, days, kind,
                              issued, not_a_day))
    return out


def _signature_line(low: str, lead_start: int, end: int) -> bool:
    """"Hà Nội, ngày 29 tháng 6 năm 2006" alone on its line: where a document is signed, not an event."""
    line_start = low.rfind("\n", 0, lead_start) + 1
    line_end = low.find("\n", end)
    rest = low[end:line_end if line_end >= 0 else len(low)]
    return rest.strip().rstrip(".") == "" and _SIGNATURE_PLACE.fullmatch(low, line_start, lead_start) is not None


def _decide(low: str, candidates: list[_Candidate]) -> None:
    """Which candidates are dates: a lead, a full numeric date, or the continuation of a kept one."""
    for cand, nxt in zip(candidates, candidates[1:], strict=False):
        cand.linked = _LINK.fullmatch(low, cand.end, nxt.start) is not None
    previous: _Candidate | None = None
    for cand in candidates:
        continued = previous is not None and previous.keep and previous.linked
        if cand.lead == "since":
            cand.keep = cand.linked or cand.year is not None  # "từ 15/5 đến 20/5", not "từ 1/3 số hộ"
        else:
            cand.keep = cand.lead == "day" or continued or (cand.year is not None and cand.numeric)
        if cand.issued or cand.not_a_day:
            cand.keep = False
        previous = cand
    # A range start takes the end's fate: "từ ngày 01 tháng 01 đến ngày 31 tháng 12 của năm báo cáo".
    for cand, nxt in zip(reversed(candidates[:-1]), reversed(candidates[1:]), strict=True):
        if cand.linked and cand.year is None and nxt.not_a_day:
            cand.keep = False
            cand.not_a_day = True

