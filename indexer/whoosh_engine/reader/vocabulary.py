"""The Whoosh index's answers to the suggester (indexer/engine/suggest.py): its lexicons, document
frequencies, the word tables written beside each segment, and folded phrases."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection
from typing import Any

from indexer.analysis.text import fold
from indexer.engine.suggest import Pair, one_edit
from indexer.whoosh_engine.worddf import WordTable

EXACT_FIELDS = ("title_s", "body_s")


class WhooshVocabulary:
    """One index generation's vocabulary; the syllables are loaded on first use (one pass over two
    lexicons), their document frequencies only when asked.

    Reading every term's frequency up front took ~2 s at 100 000 articles on the first query of
    each index generation; a suggestion only ever asks about a few dozen syllables.
    """

    def __init__(self, reader: Any, lexicons: Callable[[], list[dict[str, list[str]]]] | None = None,
                 word_tables: Callable[[], list[WordTable]] | None = None,
                 phrase_count: Callable[[Pair], int] | None = None) -> None:
        self.reader = reader
        # documents with a folded pair adjacent: the caller's bitset matching (cached, and ~100× faster at
        # 100 000 articles than Whoosh's span matcher on a pair of common syllables), else Whoosh's
        self._phrase_count = phrase_count
        # folded → exact syllables, one table per segment and field (kept across generations by the caller)
        self._lexicons = lexicons
        # documents per segmented word, one table per segment (the caller's, or opened here on first use)
        self._word_tables = word_tables or (lambda: [WordTable.of(leaf) for leaf, _ in reader.leaf_readers()])
        self._tables: list[WordTable] | None = None
        self._by_fold: dict[str, list[str]] | None = None
        self._terms: set[str] = set()
        self._df: dict[str, int] = {}  # at most one entry per syllable of the archive

    def _vocabulary(self) -> dict[str, list[str]]:
        if self._by_fold is None and self._lexicons is not None:
            merged: dict[str, list[str]] = {}
            for table in self._lexicons():  # each list is sorted (lexicon order); most are alike across tables
                for folded, texts in table.items():
                    have = merged.get(folded)
                    if have is None:
                        merged[folded] = texts
                    elif have is not texts and have != texts:
                        merged[folded] = sorted({*have, *texts})
            self._by_fold = merged
        if self._by_fold is None:
            by_fold: dict[str, list[str]] = defaultdict(list)
            for field in EXACT_FIELDS:
                for term in self.reader.lexicon(field):
                    text = term.decode("utf-8") if isinstance(term, bytes) else term
                    by_fold[fold(text)].append(text)
            self._by_fold = {k: sorted(set(v)) for k, v in by_fold.items()}
        if not self._terms:
            self._terms = {t for texts in self._by_fold.values() for t in texts}
        return self._by_fold

    def forms(self, folded: Collection[str]) -> dict[str, list[str]]:
        by_fold = self._vocabulary()
        return {k: list(by_fold.get(k, ())) for k in folded}

    def near(self, folded: str) -> set[str]:
        by_fold = self._vocabulary()
        return {e for e in one_edit(folded) if e in by_fold}

    def syllable_df(self, syllables: Collection[str]) -> dict[str, int]:
        self._vocabulary()
        for s in syllables:
            if s in self._terms and s not in self._df:
                self._df[s] = max(self.reader.doc_frequency(f, s) for f in EXACT_FIELDS)
        return {s: self._df.get(s, 0) for s in syllables}

    def counts(self, syllables: Collection[str], words: Collection[str]) -> tuple[dict[str, int], dict[str, int]]:
        return self.syllable_df(syllables), self.word_df(words)

    def word_df(self, words: Collection[str]) -> dict[str, int]:
        if self._tables is None:
            self._tables = self._word_tables()
        return {w: sum(table.get(w) for table in self._tables) for w in words}

    def adjacent(self, pairs: Collection[Pair]) -> dict[Pair, int]:
        if self._phrase_count is not None:
            return {p: self._phrase_count(p) for p in pairs}
        from whoosh import query as Q
        from whoosh.searching import Searcher

        searcher = Searcher(self.reader, closereader=False)
        return {p: sum(1 for _ in searcher.docs_for_query(Q.Phrase("body_f", list(p)))) for p in pairs}
