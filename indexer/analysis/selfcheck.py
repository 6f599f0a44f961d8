"""Start-up check that analysis behaves as tracuu's indexes assume.

An index is only as good as the promise that a query is analysed the way its documents were:
if NFC, tone-mark placement or folding changed under us (a Python or library upgrade), queries would
quietly stop meeting documents. A handful of known pairs, each typed text through the query path
(`syllables`, `fold`, `codes`) and its indexed twin through the indexing path (`analyze`, which folds
by character), is cheap to check once per process.

Segmentation is not checked here: loading the model costs ~1 s, and the web app never segments.
`segmenter.default_segmenter` compares its words with underthesea's when it loads, and falls back to
underthesea's word_tokenize on a difference; the segmentation cache is keyed by underthesea's versions
(`segcache`). Installed versions are not checked at all: behaviour is what indexes depend on.
"""

from __future__ import annotations

from functools import lru_cache

from indexer.errors import IndexerError

# (typed, as indexed): each pair must analyse to the same folded syllables
_MEET = (
    ("hoà", "hòa"),                  # both tone-mark conventions
    ("hoi nghi", "Hội nghị"),        # no diacritics finds diacritics
    ("Đà Nẵng", "da nang"),          # đ folds to d
    ("da nang", "Đà Nẵng"),
    ("thuỷ lợi", "thủy lợi"),
    ("Ho\u0300a", "hòa"),            # decomposed input (NFD) is composed first
)
# (typed, as indexed): the same exact syllables, marks kept (the exact-diacritic boost)
_EXACT = (("hoà thuỷ", "Hòa Thủy"), ("Ho\u0300a", "hòa"))
_CODES = (("Số 12/2019/QĐ-UBND ngày 5/3", ["12/2019/qđ-ubnd", "5/3"]),)


class AnalysisChangedError(IndexerError):
    """The installed libraries analyse text differently from what indexes were built with."""


def _failed(what: str) -> AnalysisChangedError:
    return AnalysisChangedError(f"Text analysis self-check failed: {what}. A library upgrade changed Unicode "
                                "handling; reinstall the versions in pyproject.toml.")


@lru_cache(maxsize=1)
def check_analysis() -> None:
    """Raise AnalysisChangedError when a known pair no longer meets; cached: runs once per process."""
    from indexer.analysis.text import analyze, codes, fold, syllables

    for typed, indexed in _MEET:
        a, b = [fold(s) for s in syllables(typed)], analyze(indexed, segment=False).folded.split()
        if a != b:
            raise _failed(f"{typed!r} searches for {a}, {indexed!r} is indexed as {b}")
    for typed, indexed in _EXACT:
        a, b = syllables(typed), analyze(indexed, segment=False).exact.split()
        if a != b:
            raise _failed(f"{typed!r} searches for exact syllables {a}, {indexed!r} is indexed as {b}")
    for text, expected in _CODES:
        typed, indexed = codes(text), analyze(text, segment=False).codes.split()
        if not typed == indexed == expected:
            raise _failed(f"document numbers in {text!r} are searched as {typed} and indexed as {indexed}, "
                          f"expected {expected}")
