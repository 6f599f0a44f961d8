"""'Did you mean': corrections built from the index's own vocabulary.

A syllable typed with a wrong tone ("hôi nghị") or one wrong letter is replaced by the variant that
makes the most frequent segmented word with its neighbour ("hội_nghị"), so the suggestion is a
phrase the archive actually contains.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from indexer.analysis import fold, has_marks
from indexer.query import ParsedQuery

_LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789"


class Suggester:
    """Per index generation; vocabularies are loaded on first use."""

    def __init__(self, reader: Any) -> None:
        self.reader = reader
        self._by_fold: dict[str, list[str]] | None = None

    def _variants_map(self) -> dict[str, list[str]]:
        if self._by_fold is None:
            by_fold: dict[str, list[str]] = defaultdict(list)
            for term in self.reader.lexicon("body_s"):
                text = term.decode("utf-8") if isinstance(term, bytes) else term
                by_fold[fold(text)].append(text)
            self._by_fold = dict(by_fold)
        return self._by_fold

    def _variants(self, syllable: str, *, edits: bool) -> set[str]:
        """Exact syllables in the index that fold alike (or, with `edits`, are one folded edit away)."""
        by_fold = self._variants_map()
        f = fold(syllable)
        out = set(by_fold.get(f, ()))
        if edits and len(f) > 2:
            for edited in _edits(f):
                out.update(by_fold.get(edited, ()))
        out.add(syllable)
        return out

    def _df(self, field: str, term: str) -> int:
        return self.reader.doc_frequency(field, term)

    def _best_pair(self, a: str, b: str, *, edits: bool) -> tuple[tuple[str, str], int]:
        best, best_df = (a, b), 0
        for va in self._variants(a, edits=edits):
            for vb in self._variants(b, edits=edits):
                df = self._df("words", f"{va}_{vb}")
                if df > best_df:
                    best, best_df = (va, vb), df
        return best, best_df

    def suggest(self, parsed: ParsedQuery, *, total: int) -> str | None:
        """A corrected query, or None when the query looks right (or nothing better is known).

        1. A query typed without diacritics that finds something needs no correction: folding
           already did the work. 2. Each adjacent pair the archive never writes as one word is
           replaced by the variant pair that is its most frequent word: same letters first (a wrong
           tone), then one letter off (a typo) only when nothing was found. 3. A lone syllable is
           replaced by its most frequent variant when it finds nothing.
        """
        sylls = [s for c in parsed.clauses if not c.phrase for s in c.syllables]
        if not sylls or len(sylls) > 8:
            return None
        if total > 0 and not any(has_marks(s) for s in sylls):
            return None
        fixed = list(sylls)
        for i in range(len(sylls) - 1):
            a, b = fixed[i], fixed[i + 1]
            if self._df("words", f"{a}_{b}") > 0:
                continue
            best, best_df = self._best_pair(a, b, edits=False)
            if best_df == 0 and total == 0:
                best, best_df = self._best_pair(a, b, edits=True)
            if best_df >= 1:
                fixed[i], fixed[i + 1] = best
        if len(sylls) == 1 and total == 0:
            best1 = max(self._variants(sylls[0], edits=True), key=lambda v: self._df("body_s", v))
            if self._df("body_s", best1) > 0:
                fixed[0] = best1
        return " ".join(fixed) if fixed != sylls else None


def _edits(word: str) -> set[str]:
    """Folded strings one deletion, substitution, insertion or swap away."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    out = {left + right[1:] for left, right in splits if right}
    out |= {left + c + right[1:] for left, right in splits if right for c in _LETTERS}
    out |= {left + c + right for left, right in splits for c in _LETTERS}
    out |= {left + right[1] + right[0] + right[2:] for left, right in splits if len(right) > 1}
    out.discard(word)
    return out
