"""Matching without Whoosh's matchers: bitsets (Python ints) over global docnums, per index generation.

Whoosh walks every matching document in Python, with span checks for phrases; at 100 000 articles a
common folded syllable has ~70 000 postings. Here each term becomes an int whose bit d is set when
document d has it, composed per generation from per-segment bitsets that outlive it (`leafdata`: after
a commit only new segments are read), so AND/OR/NOT, totals (`bit_count`) and facet
counts run in C. Folded terms (title_f/body_f) are read through their exact variants in title_s/body_s:
those postings carry no positions, which makes them ~5x cheaper to decode, and the folded field holds
exactly the folds of the exact syllables. Positions are read only to verify phrases.
"""

from __future__ import annotations

import logging
import threading
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from itertools import chain, repeat
from operator import add, rshift, sub
from typing import Any

from whoosh import query as Q

from indexer.engine.request import FACETS
from indexer.whoosh_engine.positionkeys import KEY_SHIFT, KeysReader
from indexer.whoosh_engine.reader.leafdata import (
    LRU,
    LeafData,
    bits_weight,
    column_values,
    exact_variants,
    keys_weight,
    segment_id,
)
from indexer.whoosh_engine.reader.postings import BlockIndex, leaf_matcher, posting_blocks, wanted_keys

log = logging.getLogger(__name__)

# folded field → the exact field it is the fold of
FOLDED = {"title_f": "title_s", "body_f": "body_s", "att_f": "att_s"}
BLOCK_INDEXES = 4096           # block start tables of terms read for positions
# Values of a facet whose documents hold several (the people named) counted per search: the ones in most
# documents. A value costs a bitset of the index's size (12 KB at 100 000 articles) and an AND and popcount a
# search: at 100 000 articles these 1 000 take 9.2 ms a search. Fewer would cost OpenSearch parity (its terms
# aggregation counts every person among the matches): the corpus's 5 000 articles name more than 300.
TERM_FACET_VALUES = 1000
# A search with at most this many matches counts such a facet by walking its matches through a column of each
# document's values (~0.2 µs a match) instead of the 1 000 ANDs (bench figures in docs/performance.md).
TERM_FACET_WALK = 15_000

# bit offsets set in each byte value: turning a bitset into docnums without testing every bit
_BYTE_BITS = [tuple(i for i in range(8) if b >> i & 1) for b in range(256)]
_BYTE_COUNTS = [len(bits) for bits in _BYTE_BITS]


class Unsupported(Exception):
    """A query node this module cannot evaluate: the caller falls back to Whoosh."""


def set_bits(docnums: Iterable[int], nbits: int) -> int:
    """A bitset from docnums (any order)."""
    buf = bytearray((nbits >> 3) + 1)
    for d in docnums:
        buf[d >> 3] |= 1 << (d & 7)
    return int.from_bytes(buf, "little")


def iter_bits(bits: int) -> Iterator[int]:
    """Docnums of a bitset, ascending."""
    return iter(docnums(bits))


def docnums(bits: int) -> list[int]:
    """Docnums of a bitset, ascending: per byte, its set bits' offsets plus its base, all in C-level maps."""
    raw = bits.to_bytes((bits.bit_length() + 7) >> 3, "little")
    bases = chain.from_iterable(map(repeat, range(0, len(raw) << 3, 8), map(_BYTE_COUNTS.__getitem__, raw)))
    return list(map(add, bases, chain.from_iterable(map(_BYTE_BITS.__getitem__, raw))))


def _leaf_token_column(leaf: Any, name: str) -> list[tuple[str, ...]]:
    """Each local docnum's terms of a token field, in lexicon order."""
    column: list[tuple[str, ...]] = [()] * leaf.doc_count_all()
    if name not in leaf.schema:
        return column
    for text, _info in list(leaf.iter_field(name)):
        value = (text.decode("utf-8"),)
        for ids, _ws in posting_blocks(leaf_matcher(leaf, name, text)):
            for d in ids:
                column[d] += value
    return column


def _deleted_docs(leaf: Any) -> Iterable[int]:
    """A segment's deleted local docnums: its deletion set when the codec has one, else a test per document."""
    perdoc = getattr(leaf, "_perdoc", None)
    if hasattr(perdoc, "deleted_docs"):
        return perdoc.deleted_docs()
    return (d for d in range(leaf.doc_count_all()) if leaf.is_deleted(d))


class IndexView:
    """What one searcher generation needs for matching and ranking, built lazily and cached.

    Docnums are global (as in `searcher.reader()`): a segment's local docnum plus its offset. What is read
    from a segment (postings, term bitsets, columns, lexicons) is kept in `data`, per segment id, for the
    next generations; this view only composes it: global = OR of local << offset, masked by live documents.
    """

    def __init__(self, searcher: Any, data: LeafData | None = None) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()
        self.schema = searcher.schema
        self.leaves = [(s.reader(), offset) for s, offset in searcher.leaf_searchers()]
        self.segments = [segment_id(leaf) for leaf, _offset in self.leaves]
        self.data = data if data is not None else LeafData()
        self.n = self.reader.doc_count_all()
        deleted = [offset + d for leaf, offset in self.leaves if leaf.has_deletions() for d in _deleted_docs(leaf)]
        self.live = ((1 << self.n) - 1) & ~set_bits(deleted, self.n)
        budget = self.data.budget
        self._terms = LRU(budget.bits, bits_weight)
        self._phrases = LRU(budget.bits // 4, bits_weight)
        self._blocks = LRU(BLOCK_INDEXES)
        self._postings = LRU(budget.postings, lambda dw: len(dw[0]) + 16)  # composed over segments
        self._decoded = LRU(budget.blocks, keys_weight)
        self._lock = threading.Lock()
        self._variants: dict[str, list[dict[str, list[str]]]] = {}
        self._facet_bits: dict[str, dict[str, int]] = {}
        self._token_columns: dict[str, list[tuple[str, ...]]] = {}
        self._pubdates: list[int] | None = None
        self._newest: list[int] | None = None

    # -- terms ------------------------------------------------------------------------------
    def variants(self, field: str, folded: str) -> list[str]:
        """Exact syllables of the field's exact twin that fold to `folded`, in lexicon order.

        One lexicon pass per segment, kept while the segment lives.
        """
        exact_field = FOLDED[field]
        with self._lock:
            tables = self._variants.get(exact_field)
        if tables is None:
            tables = [exact_variants(self.data, leaf, exact_field) for leaf, _offset in self.leaves]
            with self._lock:
                self._variants[exact_field] = tables
        if len(tables) == 1:
            return tables[0].get(folded, [])
        return sorted({v for table in tables for v in table.get(folded, ())})

    def source_terms(self, field: str, text: str) -> list[tuple[str, str]]:
        """Where a term's postings are read from: a folded term from its exact variants."""
        if field in FOLDED:
            return [(FOLDED[field], v) for v in self.variants(field, text)]
        return [(field, text)]

    def leaf_postings(self, i: int, field: str, text: str) -> tuple[Any, Any]:
        """(local docnums, weights) of a term in the i-th segment, deleted documents included; kept per segment."""
        segment = self.segments[i]
        if segment is None:
            return self._read_leaf_postings(i, field, text)
        return self.data.postings.get((segment, field, text), lambda: self._read_leaf_postings(i, field, text))

    def _read_leaf_postings(self, i: int, field: str, text: str) -> tuple[Any, Any]:
        """A folded term sums its variants' weights (through their own cached postings: exact boosts read them too)."""
        if field in FOLDED:
            sources = [dw for src in self.source_terms(field, text) if (dw := self.leaf_postings(i, *src))[0]]
        else:
            leaf = self.leaves[i][0]
            docs: list[int] = []
            weights: list[float] = []
            if (field, text) in leaf:
                for ids, ws in posting_blocks(leaf_matcher(leaf, field, text)):
                    docs.extend(ids)
                    weights.extend(ws)
            # compact arrays: 12 bytes a posting, where lists of int and float objects take ~60
            sources = [(array("i", docs), array("d", weights))] if docs else []
        if not sources:
            return array("i"), array("d")
        if len(sources) == 1:
            return sources[0]
        sources.sort(key=lambda dw: -len(dw[0]))
        merged = dict(zip(*sources[0], strict=True))
        for docs, weights in sources[1:]:  # in C: each variant has a document once, so get() sees no update of its own
            merged.update(zip(docs, map(add, map(merged.get, docs, repeat(0.0)), weights), strict=True))
        return array("i", merged), array("d", merged.values())

    def term_postings(self, field: str, text: str) -> tuple[Any, Any]:
        """(docnums, weights) of a term, deleted documents included; a folded term sums its variants' weights.

        Kept briefly (a small cache): a query's matching and its ranking read the same terms.
        """
        return self._postings.get((field, text), lambda: self._read_postings(field, text))

    def _read_postings(self, field: str, text: str) -> tuple[Any, Any]:
        if len(self.leaves) == 1:
            return self.leaf_postings(0, field, text)
        docs, weights = array("i"), array("d")
        for i, (_leaf, offset) in enumerate(self.leaves):
            ids, ws = self.leaf_postings(i, field, text)
            docs.extend(array("i", map(add, ids, repeat(offset))) if offset else ids)
            weights.extend(ws)
        return docs, weights

    def term_bits(self, field: str, text: str) -> int:
        """Live documents containing the term."""
        return self._terms.get(("t", field, text), lambda: self._build_term_bits(field, text))

    def _build_term_bits(self, field: str, text: str) -> int:
        if field not in self.schema:
            return 0
        if field in FACETS and not self.is_token_facet(field):
            return self.facet_bits(field).get(text, 0)
        bits = 0
        for i, (leaf, offset) in enumerate(self.leaves):
            segment = self.segments[i]

            def build(i: int = i, leaf: Any = leaf) -> int:
                return set_bits(self.leaf_postings(i, field, text)[0], leaf.doc_count_all())

            local = build() if segment is None else self.data.bits.get((segment, field, text), build)
            if local:
                bits |= local << offset
        return bits & self.live

    # -- facets, dates ----------------------------------------------------------------------
    def facet_column(self, name: str) -> list[Any]:
        """The facet's value per global docnum (None when missing)."""
        return [v for leaf, _offset in self.leaves for v in column_values(self.data, leaf, name)]

    def facet_bits(self, name: str) -> dict[str, int]:
        """value → bitset of live documents with it, from each segment's facet column (built once per segment)."""
        with self._lock:
            table = self._facet_bits.get(name)
        if table is None:
            if name not in self.schema:  # an index made before the facet was: nothing to count
                table = {}
            elif self.is_token_facet(name):
                table = self._term_facet_bits(name)
            else:
                table = {}
                for leaf, offset in self.leaves:
                    for v, local in self.data.table((segment_id(leaf), "facet", name),
                                                    lambda leaf=leaf: self._leaf_facet_bits(leaf, name)).items():
                        table[v] = table.get(v, 0) | local << offset
                table = {v: bits & self.live for v, bits in table.items()}
            with self._lock:
                self._facet_bits[name] = table
        return table

    def _term_facet_bits(self, name: str) -> dict[str, int]:
        """A facet of a token field (several values a document): the TERM_FACET_VALUES terms found in the most
        documents, each its term bitset. Document frequencies count deleted documents (they only choose)."""
        frequencies: Counter[str] = Counter()
        for leaf, _offset in self.leaves:
            def build(leaf: Any = leaf) -> dict[str, int]:
                if name not in leaf.schema:
                    return {}
                return {text.decode("utf-8"): info.doc_frequency() for text, info in leaf.iter_field(name)}

            frequencies.update(self.data.table((segment_id(leaf), "frequencies", name), build))
        top = sorted(frequencies.items(), key=lambda tf: (-tf[1], tf[0]))[:TERM_FACET_VALUES]
        return {text: bits for text, _n in top if (bits := self.term_bits(name, text))}

    def is_token_facet(self, name: str) -> bool:
        """True for a facet whose documents hold several values (a token field: the people named)."""
        return name in self.schema and self.schema[name].__class__.__name__ != "ID"

    def token_column(self, name: str) -> list[tuple[str, ...]]:
        """A token facet's values per global docnum (deleted documents included), from each segment's postings,
        built once per segment: a narrow search counts its values by walking its matches through this."""
        with self._lock:
            column = self._token_columns.get(name)
        if column is None:
            column = []
            for leaf, _offset in self.leaves:
                column.extend(self.data.table((segment_id(leaf), "values", name),
                                              lambda leaf=leaf: _leaf_token_column(leaf, name)))
            with self._lock:
                self._token_columns[name] = column
        return column

    def _leaf_facet_bits(self, leaf: Any, name: str) -> dict[str, int]:
        groups: dict[str, list[int]] = defaultdict(list)
        for d, v in enumerate(column_values(self.data, leaf, name)):
            if v:
                groups[v].append(d)
        count = leaf.doc_count_all()
        return {v: set_bits(ds, count) for v, ds in groups.items()}

    def pubdates(self) -> list[int]:
        """pubdate per global docnum (0 when missing)."""
        if self._pubdates is None:
            values: list[int] = []
            for leaf, _offset in self.leaves:
                def build(leaf: Any = leaf) -> list[int]:
                    return [int(v or 0) for v in column_values(self.data, leaf, "pubdate")]

                values.extend(self.data.table((segment_id(leaf), "pubdates"), build))
            self._pubdates = values
        return self._pubdates

    def newest_order(self) -> list[int]:
        """Every docnum, newest first; equal dates by higher docnum first, as Whoosh's reverse sort does."""
        if self._newest is None:
            dates = self.pubdates()
            self._newest = sorted(range(self.n), key=lambda d: (dates[d], d), reverse=True)
        return self._newest

    def date_bits(self, low: int | None, high: int | None) -> int:
        key = ("date", low, high)

        def build() -> int:
            order = self.newest_order()[::-1]  # oldest first
            dates = self.pubdates()
            keys = [dates[d] for d in order]
            lo = 0 if low is None else bisect_left(keys, low)
            hi = len(keys) if high is None else bisect_right(keys, high)
            return set_bits(order[lo:hi], self.n) & self.live

        return self._terms.get(key, build)

    # -- phrases ----------------------------------------------------------------------------
    def position_keys(self, field: str, word: str, docs: list[int]) -> list[Iterable[int]]:
        """Position keys (global docnum << 32 | position) of a word, from the blocks holding the given
        docnums (ascending): a superset of their keys, which the caller intersects.

        From the segment's keys file when it has the word (`positionkeys`), else from its posting blocks.
        Either is cached per segment: the documents one query checks, the next one checks again.
        """
        out: list[Iterable[int]] = []
        i = 0
        for index, (leaf, offset) in enumerate(self.leaves):
            end = offset + leaf.doc_count_all()
            start_i = i
            i = bisect_left(docs, end, i)
            if start_i == i or (field, word) not in leaf:
                continue
            segment = self.segments[index]
            wanted = [d - offset for d in docs[start_i:i]] if offset else docs[start_i:i]
            stored = self.data.table((segment, "pkeys"), lambda leaf=leaf: KeysReader(leaf)) if segment else None
            if stored is not None and (field, word) in stored:  # written with the segment: one read
                found = wanted_keys(self.data.blocks.get((segment, field, word),
                                                         lambda stored=stored: stored.keys(field, word)), wanted)
            else:
                blocks = self._blocks.get(("b", index, field, word),
                                          lambda leaf=leaf, segment=segment: BlockIndex(leaf, field, word, segment))
                found = blocks.keys(wanted, self.data.blocks if segment is not None else self._decoded)
            out += [map(add, keys, repeat(offset << KEY_SHIFT)) for keys in found] if offset else found
        return out

    def phrase_bits(self, field: str, words: list[str]) -> int:
        """Live documents with the words adjacent and in order in the field (verified on positions)."""
        return self._phrases.get((field, tuple(words)), lambda: self._build_phrase_bits(field, words))

    def cached_phrase(self, field: str, words: list[str]) -> int | None:
        """The phrase's bitset if a query already verified it, else None (the caller checks positions)."""
        return self._phrases.peek((field, tuple(words)))

    def _build_phrase_bits(self, field: str, words: list[str]) -> int:
        """1. Segments that verified the phrase before (kept per segment id) give their bitset as is.
        2. The others are verified on positions, in the documents that have every word.
        3. Masked by the live documents: a segment's deletions only grow, so its older bitset is a superset.
        """
        key = ("phrase", field, tuple(words))
        bits = unknown = 0
        missing = []
        for i, (leaf, offset) in enumerate(self.leaves):
            segment = self.segments[i]
            local = self.data.bits.peek((segment, *key)) if segment is not None else None
            if local is None:
                missing.append(i)
                unknown |= ((1 << leaf.doc_count_all()) - 1) << offset
            else:
                bits |= local << offset
        if missing:
            candidates = unknown & self.live
            for w in sorted(set(words), key=lambda w: self.reader.doc_frequency(field, w)):
                if not candidates:
                    break
                candidates &= self.term_bits(field, w)
            found = set_bits(phrase_docs(self, field, words, docnums(candidates)), self.n) if candidates else 0
            for i in missing:
                leaf, offset = self.leaves[i]
                local = found >> offset & ((1 << leaf.doc_count_all()) - 1)
                if (segment := self.segments[i]) is not None:
                    self.data.bits.get((segment, *key), lambda local=local: local)
                bits |= local << offset
        return bits & self.live


def phrase_docs(view: IndexView, field: str, words: list[str], docs: list[int]) -> list[int]:
    """The docnums among `docs` (ascending) where `words` appear adjacent and in order in `field`.

    Phrase starts are kept as keys, docnum << 32 | position of the first word: the rarest word's keys
    less its index in the phrase, then each other word's keys, less theirs, are tested against them.
    Set operations in C over every candidate at once; only the rarest word's keys become a set, the
    commoner ones (millions of keys for a folded "co") are streamed through `intersection`. A phrase's
    documents hold every word, so whole blocks' keys can be intersected unfiltered; the result is
    narrowed to `docs` at the end, and between words when few starts remain (the next word then reads
    only the blocks, or the slices of keys, of their documents).
    """
    if not docs:
        return []
    order = sorted(range(len(words)), key=lambda i: view.reader.frequency(field, words[i]))
    starts: set[int] = set()
    alive = docs
    for n, i in enumerate(order):
        keys = chain.from_iterable(view.position_keys(field, words[i], alive))
        # a position below i wraps into the previous document's keys, beyond any real position: harmless
        shifted = map(sub, keys, repeat(i)) if i else keys
        starts = set(shifted) if n == 0 else starts.intersection(shifted)
        if not starts:
            return []
        if n + 1 < len(order) and len(starts) * 4 < len(alive):  # few left: the next word reads only theirs
            alive = sorted(set(map(rshift, starts, repeat(KEY_SHIFT))).intersection(docs))
    return sorted(set(map(rshift, starts, repeat(KEY_SHIFT))).intersection(docs))


def match_bits(view: IndexView, q: Q.Query) -> int:
    """The live documents a query matches, as a bitset (the same set as `searcher.docs_for_query`)."""
    if isinstance(q, Q.Term):
        return view.term_bits(q.fieldname, q.text)
    if isinstance(q, Q.Phrase):
        if q.slop != 1:
            raise Unsupported(q)
        return view.phrase_bits(q.fieldname, list(q.words))
    if isinstance(q, Q.And):
        bits = view.live
        for sub in q.subqueries:
            bits &= match_bits(view, sub)
            if not bits:
                break
        return bits
    if isinstance(q, Q.Or):
        if getattr(q, "minmatch", 0) not in (0, 1, None):
            raise Unsupported(q)
        bits = 0
        for sub in q.subqueries:
            bits |= match_bits(view, sub)
        return bits
    if isinstance(q, Q.AndMaybe):
        return match_bits(view, q.a)
    if isinstance(q, Q.AndNot):
        return match_bits(view, q.a) & ~match_bits(view, q.b)
    if isinstance(q, Q.Every):
        return view.live
    if q is Q.NullQuery:
        return 0
    if isinstance(q, Q.NumericRange) and q.fieldname == "pubdate":
        low = None if q.start is None else int(q.start) + (0 if q.startexcl is False else 1)
        high = None if q.end is None else int(q.end) - (0 if q.endexcl is False else 1)
        return view.date_bits(low, high)
    raise Unsupported(q)

