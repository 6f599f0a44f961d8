"""Start-up check that analysis behaves as tracuu's indexes assume.

An index is only as good as the promise that a query is analysed the way its documents were:
if NFC, tone-mark placement or folding changed under us (a Python or library upgrade), queries would
quietly stop meeting documents. A handful of known pairs is cheap to check once per process.
Segmentation has its own check, run when the segmenter loads (`segmenter.default_segmenter`).
"""

from __future__ import annotations

from functools import lru_cache

from indexer.errors import IndexerError

# (typed, as indexed): each pair must analyse to the same folded syllables
_MEET = (
    ("hoà", "hòa"),                  # both tone-mark conventions
    ("hoi nghi", "Hội nghị"),        # no diacritics finds diacritics
    ("Đà Nẵng", "da nang"),          # đ folds to d
    ("thuỷ lợi", "thủy lợi"),
    ("Ho\u0300a", "hòa"),            # decomposed input (NFD) is composed first
)
_CODES = (("Số 12/2019/QĐ-UBND ngày 5/3", ["12/2019/qđ-ubnd", "5/3"]),)


class AnalysisChangedError(IndexerError):
    """The installed libraries analyse text differently from what indexes were built with."""


@lru_cache(maxsize=1)
def check_analysis() -> None:
    """Raise AnalysisChangedError when a known pair no longer meets; cached: runs once per process."""
    from indexer.analysis.text import codes, fold, syllables

    for typed, indexed in _MEET:
        a, b = [fold(s) for s in syllables(typed)], [fold(s) for s in syllables(indexed)]
        if a != b:
            raise AnalysisChangedError(
                f"Text analysis self-check failed: {typed!r} gives {a}, {indexed!r} gives {b}. "
                "A library upgrade changed Unicode handling; reinstall the versions in pyproject.toml.")
    for text, expected in _CODES:
        found = codes(text)
        if found != expected:
            raise AnalysisChangedError(
                f"Text analysis self-check failed: document numbers in {text!r} are {found}, "
                f"expected {expected}. Reinstall the versions in pyproject.toml.")
