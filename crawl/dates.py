"""Day-first Vietnamese date parsing: "Thứ sáu - 18/01/2019 08:30", "ngày 18 tháng 01 năm 2019", ISO.

Naive results are Vietnam time; the archive adds the +07:00 offset.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from archive import VIETNAM_TZ

_TIME = r"(?P<{p}h>\d{{1,2}})\s*[:hg]\s*(?P<{p}m>\d{{2}})(?::(?P<{p}s>\d{{2}}))?(?:\s*(?P<{p}ap>[AaPp][Mm]|SA|CH)\b)?"
_DMY = r"(?P<d>\d{1,2})\s*[/.\-]\s*(?P<mo>\d{1,2})\s*[/.\-]\s*(?P<y>(?:19|20)\d{2})"
_ISO = (r"(?P<iy>(?:19|20)\d{2})-(?P<imo>\d{2})-(?P<id>\d{2})"
        r"(?:[T ](?P<ih>\d{2}):(?P<imi>\d{2})(?::(?P<is>\d{2})(?:\.\d+)?)?\s*(?P<tz>Z|[+-]\d{2}:?\d{2})?)?")
_WORDS = (r"ngày\s+(?P<wd>\d{1,2})\s+tháng\s+(?P<wmo>\d{1,2})\s*(?:năm|,)?\s*(?P<wy>(?:19|20)\d{2})")

_PATTERNS = [
    # time before the date: "08:39 AM 25/10/2017", "08:30, 18/01/2019"
    re.compile(_TIME.format(p="b") + r"\s*(?:[,|\-–]\s*|ngày\s+)?" + _DMY + r"(?!\d)"),
    # date then optional time: "18/01/2019 08:30", "18/01/2019 | 08:30 AM", "27-03-2024"
    re.compile(r"(?<!\d)" + _DMY + r"(?!\d)(?:\s*(?:[,|\-–]|lúc|,?\s*GMT[+\-]\d+)?\s*" + _TIME.format(p="a")
               + r")?"),
    re.compile(r"(?<!\d)" + _ISO),
    re.compile(_WORDS, re.IGNORECASE),
]


@dataclass(frozen=True)
class DateMatch:
    """One date found in a text, with where it was and whether a time of day came with it."""

    value: date | datetime
    start: int
    end: int
    has_time: bool


def _hour(h: str, ap: str | None) -> int:
    hour = int(h)
    ap = (ap or "").upper()
    if ap in ("PM", "CH") and hour < 12:
        hour += 12
    elif ap in ("AM", "SA") and hour == 12:
        hour = 0
    return hour


def _build(m: re.Match[str]) -> tuple[date | datetime, bool] | None:
    g = m.groupdict()
    try:
        if g.get("iy"):
            if not g.get("ih"):
                return date(int(g["iy"]), int(g["imo"]), int(g["id"])), False
            text = m.group(0).strip().replace(" ", "T", 1).replace("Z", "+00:00")
            if g.get("tz") and ":" not in g["tz"]:
                text = text[: -len(g["tz"])] + g["tz"][:3] + ":" + g["tz"][3:]
            return datetime.fromisoformat(text), True
        if g.get("wy"):
            return date(int(g["wy"]), int(g["wmo"]), int(g["wd"])), False
        day = date(int(g["y"]), int(g["mo"]), int(g["d"]))
        for p in ("a", "b"):
            if g.get(p + "h"):
                hour = _hour(g[p + "h"], g.get(p + "ap"))
                dt = datetime(day.year, day.month, day.day, hour, int(g[p + "m"]), int(g.get(p + "s") or 0))
                return dt, True
        return day, False
    except ValueError:  # 31/02/2019, 25:61 ...: not a date
        return None


def find_dates(text: str) -> list[DateMatch]:
    """Every date in text, in order of position; overlapping matches keep the longest."""
    found: list[DateMatch] = []
    for pattern in _PATTERNS:
        for m in pattern.finditer(text):
            built = _build(m)
            if built is None:
                continue
            value, has_time = built
            year = value.year
            if not 1990 <= year <= 2100:
                continue
            found.append(DateMatch(value, m.start(), m.end(), has_time))
    found.sort(key=lambda d: (d.start, -(d.end - d.start)))
    kept: list[DateMatch] = []
    for match in found:
        if kept and match.start < kept[-1].end:
            continue
        kept.append(match)
    return kept


def parse_date(text: str, fmt: str | None = None) -> date | datetime | None:
    """The first date in text; with fmt (a strptime format) the text must match it after trimming."""
    if fmt:
        cleaned = " ".join(text.split())
        for candidate in (cleaned, *(cleaned[m.start():] for m in re.finditer(r"\d", cleaned))):
            try:
                return datetime.strptime(candidate, fmt)
            except ValueError:
                continue
    found = find_dates(text)
    return found[0].value if found else None


def day_of(value: date | datetime) -> date:
    """The calendar day of a date or datetime, in Vietnam time when it carries an offset."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(VIETNAM_TZ)
        return value.date()
    return value
