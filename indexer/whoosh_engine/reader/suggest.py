"""'Did you mean': corrections built from the index's own vocabulary.

A syllable the archive never writes ("thah", "smartphne"), or one that forms no word with its
neighbours while a close variant does ("hôi nghị", "trốn thuê", "dân phô"), is replaced by the
variant (same letters with other marks, or one letter off) best supported by the archive: first by
the segmented words it makes with its neighbours ("hội_nghị"), then by how often it occurs.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from indexer.analysis.text import fold, has_marks, nfc, normalize_syllable
from indexer.engine.query import ParsedQuery
from indexer.whoosh_engine.worddf import WordTable

_LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789"
_SYLLABLE = re.compile(r"[^\W_]+")
MAX_SYLLABLES = 12      # longer queries are not corrected: cost grows with length, benefit does not
RARE = 3               # a syllable in at most this many documents may be a typo that happens to exist
MIN_CONTEXT = 2         # documents a corrected word must occur in to overrule a syllable the archive knows
_WINDOWS = ((-1, 0), (0, 1), (-2, 0), (-1, 1), (0, 2))  # word spans (relative start, end) around a position


@dataclass(frozen=True)
class _Choice:
    text: str
    context: int   # documents containing a word it forms with its neighbours
    df: int        # documents containing the syllable
    distance: int  # edits from what was typed, marks included


class _DocFreqs:
    """Document frequencies of the archive's exact syllables, read from the index when first asked.

    Reading every term's frequency up front took ~2 s at 100 000 articles on the first query of
    each index generation; a suggestion only ever asks about a few dozen syllables.
    """

    def __init__(self, reader: Any, terms: set[str]) -> None:
        self.reader = reader
        self.terms = terms
        self._known: dict[str, int] = {}

    def get(self, text: str, default: int = 0) -> int:
        if text not in self.terms:
            return default
        if text not in self._known:
            self._known[text] = max(self.reader.doc_frequency(f, text) for f in ("title_s", "body_s"))
        return self._known[text]


class Suggester:
    """Per index generation; the vocabulary is loaded on first use (one pass over two lexicons)."""

    def __init__(self, reader: Any, lexicons: Callable[[], list[dict[str, list[str]]]] | None = None,
                 word_tables: Callable[[], list[WordTable]] | None = None) -> None:
        self.reader = reader
        # folded → exact syllables, one table per segment and field (kept across generations by the caller)
        self._lexicons = lexicons
        # documents per segmented word, one table per segment (the caller's, or opened here on first use)
        self._word_tables = word_tables or (lambda: [WordTable.of(leaf) for leaf, _ in reader.leaf_readers()])
        self._tables: list[WordTable] | None = None
        self._df: _DocFreqs | None = None
        self._by_fold: dict[str, list[str]] = {}

    def _vocabulary(self) -> _DocFreqs:
        if self._df is None and self._lexicons is not None:
            merged: dict[str, list[str]] = {}
            for table in self._lexicons():  # each list is sorted (lexicon order); most are alike across tables
                for folded, texts in table.items():
                    have = merged.get(folded)
                    if have is None:
                        merged[folded] = texts
                    elif have is not texts and have != texts:
                        merged[folded] = sorted({*have, *texts})
            self._by_fold = merged
            self._df = _DocFreqs(self.reader, {t for texts in merged.values() for t in texts})
        if self._df is None:
            terms: set[str] = set()
            for field in ("title_s", "body_s"):
                for term in self.reader.lexicon(field):
                    terms.add(term.decode("utf-8") if isinstance(term, bytes) else term)
            by_fold: dict[str, list[str]] = defaultdict(list)
            for text in terms:
                by_fold[fold(text)].append(text)
            self._by_fold = dict(by_fold)
            self._df = _DocFreqs(self.reader, terms)
        return self._df

    def _known(self, syllable: str) -> bool:
        """Typed with marks: that exact syllable exists; typed without: some marked form of it does."""
        vocab = self._vocabulary()
        return vocab.get(syllable, 0) > 0 if has_marks(syllable) else fold(syllable) in self._by_fold

    def _variants(self, syllable: str, *, edits: bool) -> set[str]:
        """Exact syllables of the archive that fold alike, or (with `edits`) are one folded edit away."""
        self._vocabulary()
        f = fold(syllable)
        out = set(self._by_fold.get(f, ()))
        if edits and len(f) >= 2:
            for edited in _edits(f):
                out.update(self._by_fold.get(edited, ()))
        return out

    def _neighbour_forms(self, syllable: str) -> list[str]:
        """A neighbour as typed when it carries marks, else its most frequent marked forms."""
        if has_marks(syllable):
            return [syllable]
        vocab = self._vocabulary()
        return sorted(self._variants(syllable, edits=False), key=lambda f: -vocab.get(f, 0))[:8] or [syllable]

    def _word_df(self, parts: list[str]) -> int:
        if self._tables is None:
            self._tables = self._word_tables()
        word = "_".join(parts)
        return sum(table.get(word) for table in self._tables)

    def _context(self, sylls: list[str], i: int, candidate: str) -> int:
        """Most documents in which `candidate` forms one word with neighbours (their variants too)."""
        best = 0
        for lo, hi in _WINDOWS:
            start, end = i + lo, i + hi
            if start < 0 or end >= len(sylls) or start == end:
                continue
            options = [[candidate] if k == i else self._neighbour_forms(sylls[k]) for k in range(start, end + 1)]
            for combo in _product(options, limit=64):
                best = max(best, self._word_df(combo))
        return best

    def _adjacent(self, sylls: list[str], i: int, candidate: str) -> int:
        """Documents with `candidate` right beside a neighbour (folded phrase): context for names."""
        from whoosh import query as Q
        from whoosh.searching import Searcher

        searcher = Searcher(self.reader, closereader=False)
        best = 0
        for pair in ((i - 1, i), (i, i + 1)):
            if pair[0] < 0 or pair[1] >= len(sylls):
                continue
            words = [fold(candidate) if k == i else fold(sylls[k]) for k in pair]
            best = max(best, sum(1 for _ in searcher.docs_for_query(Q.Phrase("body_f", words))))
        return best

    def _best(self, sylls: list[str], i: int) -> _Choice | None:
        """The best-supported replacement for position i, or None to keep what was typed.

        A syllable the archive knows may only change its marks (a wrong tone is the usual real-word
        slip: "hôi nghị", "trốn thuê"); one it lacks may also change one letter.
        """
        typed = sylls[i]
        if any(ch.isdigit() for ch in typed):
            return None
        known = self._known(typed)
        if known and self._context(sylls, i, typed) > 0:
            return None
        vocab = self._vocabulary()
        same = self._variants(typed, edits=False) - {typed}
        if known and vocab.get(typed, 0) <= RARE:
            candidates = same | self._variants(typed, edits=True)
        elif known:
            candidates = same if has_marks(typed) else set()
        else:
            candidates = same | self._variants(typed, edits=True)
        choices = [_Choice(c, self._context(sylls, i, c), vocab.get(c, 0), _distance(typed, c))
                   for c in candidates - {typed}]
        if not choices:
            return None
        best = max(choices, key=lambda c: (c.context, -c.distance, c.df))
        if best.context >= MIN_CONTEXT and (not known or best.context * 20 >= vocab.get(typed, 0)):
            return best
        if known or len(fold(typed)) < 3:
            return None  # a real syllable with no better-supported neighbour word: leave it
        # no word evidence: the closest spelling (marks included: "xăg" is nearer "xăng" than "xây"),
        # then the one seen most often beside its neighbours, then the most frequent
        closest = min(c.distance for c in choices)
        pool = sorted((c for c in choices if c.distance == closest), key=lambda c: c.df, reverse=True)[:15]
        chosen = max(pool, key=lambda c: (self._adjacent(sylls, i, c.text), c.df))
        return chosen if chosen.df > 0 else None

    def suggest(self, parsed: ParsedQuery, *, total: int) -> str | None:
        """The query with misspelt syllables corrected, or None when it looks right.

        1. A query typed without diacritics that finds something needs no correction: folding did
           the work. 2. Each syllable the archive lacks, or that forms no word with its neighbours,
           is replaced by its best-supported variant (left to right, so later positions see earlier
           fixes). 3. The original text is kept around the replaced syllables (quotes, -, title:).
        """
        sylls = [s for c in parsed.clauses for s in c.syllables]
        if not sylls or len(sylls) > MAX_SYLLABLES:
            return None
        marked = any(has_marks(s) for s in sylls)
        if total > 0 and not marked:
            return None
        fixes: dict[str, str] = {}
        for i in range(len(sylls)):
            choice = self._best(sylls, i)
            if choice is not None:
                replacement = choice.text if marked else fold(choice.text)
                fixes[sylls[i]] = replacement
                sylls[i] = replacement
        return _rewrite(parsed.text, fixes) if fixes else None


def _product(options: list[list[str]], limit: int) -> list[list[str]]:
    combos: list[list[str]] = [[]]
    for opts in options:
        combos = [c + [o] for c in combos for o in opts][:limit]
    return combos


def _rewrite(text: str, fixes: dict[str, str]) -> str:
    """Replace whole syllables in the user's text, keeping everything else and the capitals."""

    def swap(m: re.Match[str]) -> str:
        word = m.group()
        fixed = fixes.get(normalize_syllable(word).lower())
        if fixed is None:
            return word
        if word.isupper() and len(word) > 1:
            return fixed.upper()
        return fixed[:1].upper() + fixed[1:] if word[:1].isupper() else fixed

    return _SYLLABLE.sub(swap, nfc(text)).strip()


def _distance(a: str, b: str) -> int:
    """Levenshtein distance between two short syllables, letters with different marks differing."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a.lower(), start=1):
        current = [i]
        for j, cb in enumerate(b.lower(), start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _edits(word: str) -> set[str]:
    """Folded strings one deletion, substitution, insertion or swap away."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    out = {left + right[1:] for left, right in splits if right}
    out |= {left + c + right[1:] for left, right in splits if right for c in _LETTERS}
    out |= {left + c + right for left, right in splits for c in _LETTERS}
    out |= {left + right[1] + right[0] + right[2:] for left, right in splits if len(right) > 1}
    out.discard(word)
    return out

