"""The timeline's bars: year counts grouped into buckets that widen with the range, so a chart over
six decades still has few enough bars to read and to tap on a phone."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

MAX_BARS = 20                     # more would make each column narrower than a fingertip on a 390 px phone
STEPS = (1, 5, 10, 20, 50, 100)   # bucket widths in years: single years, then 5-year spans, decades, …
MIN_HEIGHT = 6                    # percent of the column: a year with one article still draws a visible bar


@dataclass(frozen=True)
class Bucket:
    """One bar: the years it covers (both ends included), its count and its height in percent."""

    start: int
    end: int
    count: int
    height: int

    @property
    def years(self) -> int:
        return self.end - self.start + 1

    @property
    def label(self) -> str:
        return str(self.start) if self.start == self.end else f"{self.start}–{self.end}"

    @property
    def params(self) -> dict[str, str | None]:
        """The search parameters its link sets: a single year is the year filter, a span is a date range
        (and drops the year filter, which would contradict it)."""
        if self.start == self.end:
            return {"year": str(self.start)}
        return {"year": None, "from_": f"{self.start}-01-01", "to": f"{self.end}-12-31"}

    @property
    def clear(self) -> dict[str, None]:
        """The parameters its link removes when its filter is already on: clicking it again undoes it."""
        return {"year": None} if self.start == self.end else {"from_": None, "to": None}

    def is_on(self, year: str | None, date_from: date | None, date_to: date | None) -> bool:
        """Whether the search is already filtered to exactly this bucket (its link then removes the filter)."""
        if self.years == 1:
            return year == str(self.start)
        return date_from == date(self.start, 1, 1) and date_to == date(self.end, 12, 31)


def step_for(first: int, last: int) -> int:
    """The narrowest bucket width that keeps the range within MAX_BARS bars (buckets align to it)."""
    for step in STEPS:
        if last // step - first // step + 1 <= MAX_BARS:
            return step
    return last - first + 1


def buckets(counts: Mapping[int, int]) -> list[Bucket]:
    """Bars from first to last year with a match, oldest first; the end buckets are clipped to the range
    so their links and labels never promise years without articles."""
    years = {y: c for y, c in counts.items() if c > 0}
    if not years:
        return []
    first, last = min(years), max(years)
    step = step_for(first, last)
    spans = [(max(first, s), min(last, s + step - 1)) for s in range(first - first % step, last + 1, step)]
    totals = [sum(c for y, c in years.items() if lo <= y <= hi) for lo, hi in spans]
    top = max(totals)
    # heights start from the floor rather than clamp to it, so 1 and 2 articles still look different
    return [Bucket(lo, hi, n, round(MIN_HEIGHT + (100 - MIN_HEIGHT) * n / top) if n else 0)
            for (lo, hi), n in zip(spans, totals, strict=True)]

