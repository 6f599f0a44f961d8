"""'Did you mean': corrections built from the archive's own vocabulary, for every back end.

A syllable the archive never writes ("thah", "smartphne"), or one that forms no word with its
neighbours while a close variant does ("hôi nghị", "trốn thuê", "dân phô"), is replaced by the
variant (same letters with other marks, or one letter off) best supported by the archive: first by
the segmented words it makes with its neighbours ("hội_nghị"), then by how often it occurs.

The rules live here; a back end only answers the questions of `Vocabulary`, in batches, so a remote
engine pays one round trip per question rather than one per word looked up.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Protocol

from indexer.analysis.text import fold, has_marks, nfc, normalize_syllable
from indexer.engine.query import ParsedQuery

_LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789"
_SYLLABLE = re.compile(r"[^\W_]+")
MAX_SYLLABLES = 12      # longer queries are not corrected: cost grows with length, benefit does not
RARE = 3               # a syllable in at most this many documents may be a typo that happens to exist
MIN_CONTEXT = 2         # documents a corrected word must occur in to overrule a syllable the archive knows
NEIGHBOUR_FORMS = 8     # marked forms tried for a neighbour typed without marks
COMBOS = 64             # word spellings tried per window
POOL = 15               # closest spellings compared by what stands beside them, when no word decides
_WINDOWS = ((-1, 0), (0, 1), (-2, 0), (-1, 1), (0, 2))  # word spans (relative start, end) around a position

Pair = tuple[str, str]


class Vocabulary(Protocol):
    """What the suggester asks of an index. Every method takes a batch and answers for each member."""

    def forms(self, folded: Collection[str]) -> dict[str, list[str]]:
        """Exact syllables of the archive's titles and bodies that fold to each of `folded`."""
        ...

    def near(self, folded: str) -> set[str]:
        """Folded syllables of the archive one edit (deletion, substitution, insertion, swap) from `folded`."""
        ...

    def counts(self, syllables: Collection[str], words: Collection[str]) -> tuple[dict[str, int], dict[str, int]]:
        """Documents holding each exact syllable (the larger of its title and body counts), and each
        segmented word ("hội_nghị"); asked together because a query that looks right needs both at once."""
        ...

    def adjacent(self, pairs: Collection[Pair]) -> dict[Pair, int]:
        """Documents whose body has each pair of folded syllables side by side, in that order."""
        ...


@dataclass(frozen=True)
class _Choice:
    text: str
    context: int   # documents containing a word it forms with its neighbours
    df: int        # documents containing the syllable
    distance: int  # edits from what was typed, marks included


class Suggester:
    """Corrections over one view of an index (thread-safe: each call keeps its own answers)."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary

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
        run = _Run(self.vocabulary)
        run.prefetch(sylls)
        fixes: dict[str, str] = {}
        for i in range(len(sylls)):
            choice = run.best(sylls, i)
            if choice is not None:
                replacement = choice.text if marked else fold(choice.text)
                fixes[sylls[i]] = replacement
                sylls[i] = replacement
        return _rewrite(parsed.text, fixes) if fixes else None


class _Run:
    """One suggestion's questions and their answers: each asked of the vocabulary once, then kept
    only until the suggestion is made (bounded memory however long the index serves)."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        self._forms: dict[str, list[str]] = {}
        self._near: dict[str, set[str]] = {}
        self._df: dict[str, int] = {}
        self._wdf: dict[str, int] = {}

    # -- cached batches ----------------------------------------------------------------------
    def _forms_of(self, folded: Iterable[str]) -> dict[str, list[str]]:
        wanted = set(folded)
        if missing := wanted - self._forms.keys():
            found = self.vocabulary.forms(missing)
            self._forms.update({k: found.get(k, []) for k in missing})
        return {k: self._forms[k] for k in wanted}

    def _counts(self, syllables: Iterable[str], words: Iterable[str]) -> None:
        """Ask, in one batch, the counts not asked yet."""
        sylls, ws = set(syllables) - self._df.keys(), set(words) - self._wdf.keys()
        if sylls or ws:
            found_sylls, found_words = self.vocabulary.counts(sylls, ws)
            self._df.update({s: found_sylls.get(s, 0) for s in sylls})
            self._wdf.update({w: found_words.get(w, 0) for w in ws})

    def _dfs(self, syllables: Iterable[str]) -> dict[str, int]:
        wanted = set(syllables)
        self._counts(wanted, ())
        return {s: self._df[s] for s in wanted}

    def _word_dfs(self, words: Iterable[str]) -> dict[str, int]:
        wanted = set(words)
        self._counts((), wanted)
        return {w: self._wdf[w] for w in wanted}

    def _near_of(self, folded: str) -> set[str]:
        if folded not in self._near:
            self._near[folded] = self.vocabulary.near(folded)
        return self._near[folded]

    # -- the rules ---------------------------------------------------------------------------
    def _known(self, syllable: str) -> bool:
        """Typed with marks: that exact syllable exists; typed without: some marked form of it does."""
        if has_marks(syllable):
            return self._dfs([syllable])[syllable] > 0
        return bool(self._forms_of([fold(syllable)])[fold(syllable)])

    def _variants(self, syllable: str, *, edits: bool) -> set[str]:
        """Exact syllables of the archive that fold alike, or (with `edits`) are one folded edit away."""
        f = fold(syllable)
        keys = {f}
        if edits and len(f) >= 2:
            keys |= self._near_of(f)
        return {text for texts in self._forms_of(keys).values() for text in texts}

    def _neighbour_forms(self, syllables: Iterable[str]) -> dict[str, list[str]]:
        """Each neighbour as typed when it carries marks, else its most frequent marked forms."""
        syllables = set(syllables)
        plain = {s: fold(s) for s in syllables if not has_marks(s)}
        forms = self._forms_of(plain.values())
        dfs = self._dfs(t for texts in forms.values() for t in texts)
        out: dict[str, list[str]] = {}
        for s in syllables:
            if s in plain:
                ranked = sorted(forms[plain[s]], key=lambda t: (-dfs[t], t))
                out[s] = ranked[:NEIGHBOUR_FORMS] or [s]
            else:
                out[s] = [s]
        return out

    def _windows(self, sylls: list[str], i: int, candidate: str,
                 neighbours: dict[str, list[str]]) -> list[str]:
        """Words `candidate` would form at position i with its neighbours (their variants too)."""
        out: list[str] = []
        for lo, hi in _WINDOWS:
            start, end = i + lo, i + hi
            if start < 0 or end >= len(sylls) or start == end:
                continue
            options = [[candidate] if k == i else neighbours[sylls[k]] for k in range(start, end + 1)]
            out.extend("_".join(combo) for combo in _product(options, limit=COMBOS))
        return out

    def _contexts(self, sylls: list[str], i: int, candidates: Collection[str]) -> dict[str, int]:
        """For each candidate: the most documents in which it forms one word with its neighbours."""
        neighbours = self._neighbour_forms(sylls[k] for k in range(max(0, i - 2), min(len(sylls), i + 3)) if k != i)
        words = {c: self._windows(sylls, i, c, neighbours) for c in candidates}
        counts = self._word_dfs(w for ws in words.values() for w in ws)
        return {c: max((counts[w] for w in ws), default=0) for c, ws in words.items()}

    def _adjacent(self, sylls: list[str], i: int, candidates: Collection[str]) -> dict[str, int]:
        """For each candidate: documents with it right beside a neighbour (folded phrase), context for names."""
        pairs: dict[str, list[Pair]] = {}
        for c in candidates:
            pairs[c] = []
            if i > 0:
                pairs[c].append((fold(sylls[i - 1]), fold(c)))
            if i + 1 < len(sylls):
                pairs[c].append((fold(c), fold(sylls[i + 1])))
        wanted = {p for ps in pairs.values() for p in ps}
        counts = self.vocabulary.adjacent(wanted) if wanted else {}
        return {c: max((counts.get(p, 0) for p in ps), default=0) for c, ps in pairs.items()}

    def best(self, sylls: list[str], i: int) -> _Choice | None:
        """The best-supported replacement for position i, or None to keep what was typed.

        A syllable the archive knows may only change its marks (a wrong tone is the usual real-word
        slip: "hôi nghị", "trốn thuê"); one it lacks may also change one letter.
        """
        typed = sylls[i]
        if any(ch.isdigit() for ch in typed):
            return None
        known = self._known(typed)
        if known and len(sylls) == 1:
            return None  # a known syllable only yields to a word it forms, and alone it forms none
        if known and self._contexts(sylls, i, [typed])[typed] > 0:
            return None
        typed_df = self._dfs([typed])[typed]
        same = self._variants(typed, edits=False) - {typed}
        if known and typed_df <= RARE:
            candidates = same | self._variants(typed, edits=True)
        elif known:
            candidates = same if has_marks(typed) else set()
        else:
            candidates = same | self._variants(typed, edits=True)
        candidates.discard(typed)
        if not candidates:
            return None
        contexts, dfs = self._contexts(sylls, i, candidates), self._dfs(candidates)
        choices = [_Choice(c, contexts[c], dfs[c], _distance(typed, c)) for c in sorted(candidates)]
        best = max(choices, key=lambda c: (c.context, -c.distance, c.df))
        if best.context >= MIN_CONTEXT and (not known or best.context * 20 >= typed_df):
            return best
        if known or len(fold(typed)) < 3:
            return None  # a real syllable with no better-supported neighbour word: leave it
        # no word evidence: the closest spelling (marks included: "xăg" is nearer "xăng" than "xây"),
        # then the one seen most often beside its neighbours, then the most frequent
        closest = min(c.distance for c in choices)
        pool = sorted((c for c in choices if c.distance == closest), key=lambda c: (-c.df, c.text))[:POOL]
        beside = self._adjacent(sylls, i, [c.text for c in pool])
        chosen = max(pool, key=lambda c: (beside[c.text], c.df))
        return chosen if chosen.df > 0 else None

    def prefetch(self, sylls: list[str]) -> None:
        """Ask in one batch each what checking a query that looks right needs: every typed syllable's
        count or forms, and the words each forms with its neighbours as typed."""
        marked = [s for s in sylls if has_marks(s)]
        if len(marked) < len(sylls):  # neighbours typed without marks stand for their marked forms
            self._forms_of(fold(s) for s in sylls if not has_marks(s))
        neighbours = self._neighbour_forms(sylls)
        self._counts(marked, (w for i, s in enumerate(sylls) for w in self._windows(sylls, i, s, neighbours)))


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


def one_edit(word: str) -> set[str]:
    """Folded strings one deletion, substitution, insertion or swap away (letters and digits only)."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    out = {left + right[1:] for left, right in splits if right}
    out |= {left + c + right[1:] for left, right in splits if right for c in _LETTERS}
    out |= {left + c + right for left, right in splits for c in _LETTERS}
    out |= {left + right[1] + right[0] + right[2:] for left, right in splits if len(right) > 1}
    out.discard(word)
    return out
