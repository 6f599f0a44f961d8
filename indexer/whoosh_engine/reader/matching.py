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
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import chain
from typing import Any

import numpy as np
from whoosh import query as Q

from indexer.engine.request import FACETS
from indexer.engine.response import facet_label
from indexer.whoosh_engine.positionkeys import KEY_SHIFT, KeysReader
from indexer.whoosh_engine.reader.leafdata import (
    LRU,
    LeafData,
    Older,
    bits_weight,
    column_values,
    exact_variants,
    handed_over,
    keys_weight,
    segment_id,
    take_over,
)
from indexer.whoosh_engine.reader.postings import BlockIndex, leaf_matcher, posting_blocks, wanted_keys

log = logging.getLogger(__name__)

# folded field → the exact field it is the fold of
FOLDED = {"title_f": "title_s", "body_f": "body_s", "att_f": "att_s"}
BLOCK_INDEXES = 4096           # block start tables of terms read for positions
# variants holding over 1/64 of a segment's documents are merged over a table of them (np.unique's sort costs
# more from ~1/100: 0.2 ms against 1.1 for 20 000 postings in 100 000 documents)
MERGE_BY_TABLE = 64
# Values of a facet whose documents hold several (the people named) counted per search: the ones in most
# documents (`token_facet_counts`: ~0.1-0.4 ms a search at 100 000 articles). Fewer would cost OpenSearch parity
# (its terms aggregation counts every person among the matches): the corpus's 5 000 articles name more than 300.
TERM_FACET_VALUES = 1000
FREQUENCIES_KEPT = 20_000  # terms whose frequencies a generation remembers (~200 bytes each)


class Unsupported(Exception):
    """A query node this module cannot evaluate: the caller falls back to Whoosh."""


def set_bits(docnums: Iterable[int], nbits: int) -> int:
    """A bitset from docnums (any order)."""
    marks = np.zeros(((nbits >> 3) + 1) << 3, dtype=np.bool_)
    marks[_as_array(docnums)] = True
    return int.from_bytes(np.packbits(marks, bitorder="little").tobytes(), "little")


def _as_array(docnums: Iterable[int]) -> np.ndarray:
    if isinstance(docnums, np.ndarray):
        return docnums
    if isinstance(docnums, array) and docnums.typecode in "iIlLqQ":
        return np.frombuffer(docnums, dtype=np.dtype(docnums.typecode)) if docnums else np.zeros(0, np.int64)
    return np.fromiter(docnums, dtype=np.int64)


def iter_bits(bits: int) -> Iterator[int]:
    """Docnums of a bitset, ascending."""
    return iter(docnums(bits))


def bit_array(bits: int, nbits: int) -> np.ndarray:
    """The bitset as one bool per docnum (at least `nbits` of them): membership tests of many docnums at once."""
    raw = np.frombuffer(bits.to_bytes(max((bits.bit_length() + 7) >> 3, (nbits + 7) >> 3, 1), "little"), np.uint8)
    return np.unpackbits(raw, bitorder="little").view(np.bool_)


def docnum_array(bits: int) -> np.ndarray:
    """Docnums of a bitset, ascending, as an int64 array (unpacked and found in C)."""
    if not bits:
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(bit_array(bits, 0))


def docnums(bits: int) -> list[int]:
    """Docnums of a bitset, ascending."""
    return docnum_array(bits).tolist()


def _deleted_docs(leaf: Any) -> Iterable[int]:
    """A segment's deleted local docnums: its deletion set when the codec has one, else a test per document."""
    perdoc = getattr(leaf, "_perdoc", None)
    if hasattr(perdoc, "deleted_docs"):
        return perdoc.deleted_docs()
    return (d for d in range(leaf.doc_count_all()) if leaf.is_deleted(d))


def _leaf_token_pairs(leaf: Any, name: str) -> tuple[list[str], list[int], np.ndarray, np.ndarray]:
    """A token field's terms in one segment, their document frequencies (deleted documents included), and
    its (local docnum, term index) pairs: ~2 000 people and ~25 000 pairs in a segment of 50 000 articles."""
    if name not in leaf.schema:
        return [], [], np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32)
    found = [(text.decode("utf-8"), info.doc_frequency()) for text, info in leaf.iter_field(name)]
    docs = [np.fromiter(chain.from_iterable(ids for ids, _ws in posting_blocks(leaf_matcher(leaf, name, text))),
                        dtype=np.int32) for text, _n in found]
    sizes = [len(d) for d in docs]
    return ([text for text, _n in found], [n for _text, n in found],
            np.concatenate(docs) if docs else np.zeros(0, dtype=np.int32),
            np.repeat(np.arange(len(found), dtype=np.int32), sizes))


class IndexView:
    """What one searcher generation needs for matching and ranking, built lazily and cached.

    Docnums are global (as in `searcher.reader()`): a segment's local docnum plus its offset. What is read
    from a segment (postings, verified phrases, columns, lexicons) is kept in `data`, per segment id, for the
    next generations; this view only composes it: global = OR of local << offset, masked by live documents.

    With `previous`, the view of the generation before (a commit adds segments after the old ones; a merge
    replaces only the last few): the term and phrase bitsets it and up to KEPT_GENERATIONS older views composed
    are taken over on first use (`_carried`) for the documents each holds in the same segments, so only the
    newer segments are read. The per-segment caches are too small to give them all back: rebuilt from them, a
    worker's searches cost 33 ms of CPU against 22 without commits (100 000 articles, 5 indexed every 30 s,
    bench/load.py).
    """

    def __init__(self, searcher: Any, data: LeafData | None = None, previous: IndexView | None = None) -> None:
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
        self._decoded = LRU(budget.blocks, keys_weight)
        self._frequencies = LRU(FREQUENCIES_KEPT)
        self._lock = threading.Lock()
        self._variants: dict[str, list[dict[str, list[str]]]] = {}
        self._facet_bits: dict[str, dict[str, int]] = {}
        self._facet_pairs: dict[str, tuple[list[str], np.ndarray, np.ndarray]] = {}
        self._facet_labels: dict[str, tuple[list[str], np.ndarray]] = {}
        self._pubdates: list[int] | None = None
        self._newest: list[int] | None = None
        # older views' term and phrase bitsets: taken over on first use, and drained as this view's caches fill
        self._older: list[Older] = []
        if previous is not None:
            self._older = handed_over(previous._older, (previous._terms, previous._phrases), previous.segments,
                                      self.segments)
            previous._older = []  # handed over: one generation at a time takes from them

    def offset_of(self, segment: int) -> int:
        """The first global docnum of the `segment`-th segment (the document count past the last)."""
        return self.leaves[segment][1] if segment < len(self.leaves) else self.n

    def _carried(self, phrases: bool, key: Any, build: Callable[[int], int]) -> int:
        """A term's (or with `phrases`, a phrase's) bitset of this view: the newest older view's that had one,
        for the documents of the segments both hold, and `build(first segment)` for the rest; else `build(0)`.
        The older caches give up as much as this one takes, so together they stay within one budget."""
        new = self._phrases if phrases else self._terms
        found, kept, self._older = take_over(self._older, int(phrases), key, new.size - new.weight)
        if found is None:
            return build(0)
        # deletions in a kept segment only grow: masking the old bitset by this view's live documents is exact
        return ((found & ((1 << self.offset_of(kept)) - 1)) | build(kept)) & self.live

    # -- terms ------------------------------------------------------------------------------
    def doc_frequency(self, field: str, text: str) -> int:
        """Whoosh's document frequency of a term (deleted documents included), kept for this generation: each
        query's phrases ask for their words', and Whoosh looks a term up in every segment's hash table."""
        return self._frequencies.get(("d", field, text), lambda: self.reader.doc_frequency(field, text))

    def frequency(self, field: str, text: str) -> float:
        """Whoosh's total frequency of a term, kept like `doc_frequency`."""
        return self._frequencies.get(("f", field, text), lambda: self.reader.frequency(field, text))

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

    def leaf_postings(self, i: int, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(local docnums, weights) of a term in the i-th segment, deleted documents included; kept per segment."""
        segment = self.segments[i]
        if segment is None:
            return self._read_leaf_postings(i, field, text)
        return self.data.postings.get((segment, field, text), lambda: self._read_leaf_postings(i, field, text))

    def _read_leaf_postings(self, i: int, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """A folded term sums its variants' weights (through their own cached postings: exact boosts read them too).

        Compact numpy arrays, docnums ascending: 12 bytes a posting, where lists of int and float objects take ~60.
        """
        if field in FOLDED:
            sources = [dw for src in self.source_terms(field, text) if len((dw := self.leaf_postings(i, *src))[0])]
        else:
            leaf = self.leaves[i][0]
            blocks = list(posting_blocks(leaf_matcher(leaf, field, text))) if (field, text) in leaf else []
            count = sum(len(ids) for ids, _ws in blocks)
            # straight from the blocks into arrays (fromiter with a count): a third faster than through lists
            sources = [(np.fromiter(chain.from_iterable(ids for ids, _ws in blocks), dtype=np.int32, count=count),
                        np.fromiter(chain.from_iterable(ws for _ids, ws in blocks), dtype=np.float64, count=count))
                       ] if count else []
        if not sources:
            return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float64)
        if len(sources) == 1:
            return sources[0]
        # each variant has a document once: its summed weight, added in the order of the variants, longest first
        sources.sort(key=lambda dw: -len(dw[0]))
        docs_all = np.concatenate([d for d, _w in sources])
        weights_all = np.concatenate([w for _d, w in sources])
        n = self.leaves[i][0].doc_count_all()
        if len(docs_all) * MERGE_BY_TABLE > n:  # a table over the segment: linear, where np.unique sorts
            present = np.zeros(n, dtype=bool)
            present[docs_all] = True
            merged = np.flatnonzero(present)
            return merged.astype(np.int32), np.bincount(docs_all, weights=weights_all, minlength=n)[merged]
        merged, where = np.unique(docs_all, return_inverse=True)
        return merged.astype(np.int32), np.bincount(where, weights=weights_all, minlength=len(merged))

    def term_postings(self, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(docnums, weights) of a term, deleted documents included; a folded term sums its variants' weights.

        Not kept composed: ranking reads them once for a score table, which is what it keeps (each segment's
        part stays in `LeafData.postings`).
        """
        if len(self.leaves) == 1:
            return self.leaf_postings(0, field, text)
        parts = [self.leaf_postings(i, field, text) for i in range(len(self.leaves))]
        docs = np.concatenate([ids + offset for (ids, _ws), (_leaf, offset) in zip(parts, self.leaves, strict=True)])
        return docs, np.concatenate([ws for _ids, ws in parts])

    def term_bits(self, field: str, text: str) -> int:
        """Live documents containing the term."""
        key = ("t", field, text)
        return self._terms.get(key, lambda: self._carried(False, key,
                                                          lambda start: self._build_term_bits(field, text, start)))

    def _build_term_bits(self, field: str, text: str, start: int = 0) -> int:
        """The term's live documents in the segments from the `start`-th on."""
        if field not in self.schema:
            return 0
        if field in FACETS and not self.is_token_facet(field):
            return self.facet_bits(field).get(text, 0)
        # A segment's bitset is not kept apart: the composed one is, and is carried over commits, so these
        # segments are the ones no kept bitset covers (a cache of them was never hit, measured).
        bits = 0
        for i in range(start, len(self.leaves)):
            leaf, offset = self.leaves[i]
            local = set_bits(self.leaf_postings(i, field, text)[0], leaf.doc_count_all())
            if local:
                bits |= local << offset
        return bits & self.live

    # -- facets, dates ----------------------------------------------------------------------
    def facet_column(self, name: str) -> list[Any]:
        """The facet's value per global docnum (None when missing)."""
        return [v for leaf, _offset in self.leaves for v in column_values(self.data, leaf, name)]

    def facet_bits(self, name: str) -> dict[str, int]:
        """value → bitset of live documents with it, from each segment's facet column (built once per segment).
        A token facet (the people) has no column: it is counted through `facet_pairs`."""
        if self.is_token_facet(name):
            raise ValueError(f"{name} is a token facet: count it with facet_pairs, not facet_bits")
        with self._lock:
            table = self._facet_bits.get(name)
        if table is None:
            if name not in self.schema:  # an index made before the facet was: nothing to count
                table = {}
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

    def is_token_facet(self, name: str) -> bool:
        """True for a facet whose documents hold several values (a token field: the people named)."""
        return name in self.schema and self.schema[name].__class__.__name__ != "ID"

    def facet_pairs(self, name: str) -> tuple[list[str], np.ndarray, np.ndarray]:
        """A token facet's counted values and their (live document, value index) pairs, built once per generation
        (`SearchIndex.warm` builds them before fork).

        The values are the TERM_FACET_VALUES terms found in the most documents (deleted ones included: they only
        choose) that a live document holds, most first. Composed from each segment's pairs (`_leaf_token_pairs`,
        read once while the segment lives), so a commit reads only its new segments' postings: composing and
        unpacking ~1 000 people's term bitsets instead costs the first search after each commit ~150 ms of CPU
        at 100 000 articles."""
        with self._lock:
            pairs = self._facet_pairs.get(name)
        if pairs is None:
            pairs = self._token_facet_pairs(name)
            with self._lock:
                self._facet_pairs[name] = pairs
        return pairs

    def _token_facet_pairs(self, name: str) -> tuple[list[str], np.ndarray, np.ndarray]:
        tables = [(offset, self.data.table((segment_id(leaf), "token pairs", name),
                                           lambda leaf=leaf: _leaf_token_pairs(leaf, name)))
                  for leaf, offset in self.leaves]
        frequencies: Counter[str] = Counter()
        for _offset, (terms, counts, _docs, _terms_of) in tables:
            frequencies.update(dict(zip(terms, counts, strict=True)))
        top = [text for text, _n in sorted(frequencies.items(), key=lambda tf: (-tf[1], tf[0]))[:TERM_FACET_VALUES]]
        index = {text: i for i, text in enumerate(top)}
        live = bit_array(self.live, self.n)
        all_docs, all_ids = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
        for offset, (terms, _counts, docs, terms_of) in tables:
            value_of = np.fromiter((index.get(t, -1) for t in terms), dtype=np.int64, count=len(terms))
            ids, docs = value_of[terms_of], docs.astype(np.int64) + offset
            keep = (ids >= 0) & live[docs]
            all_docs.append(docs[keep])
            all_ids.append(ids[keep])
        docs, ids = np.concatenate(all_docs), np.concatenate(all_ids)
        held = np.bincount(ids, minlength=len(top)) > 0  # a value whose documents are all deleted is not counted
        renumber = np.cumsum(held) - 1
        return ([text for text, h in zip(top, held.tolist(), strict=True) if h], docs.astype(np.int32),
                renumber[ids].astype(np.int32))

    def token_facet_counts(self, name: str, bits: int) -> list[tuple[str, int]]:
        """A token facet's values in `bits` as (label, documents), most documents first, then by label (the order
        of `ordered_facets`): one bincount over their pairs (0.13-0.36 ms at 100 000 articles, where an AND and
        a popcount per value took 3.6-8.2 ms), ordered in numpy: all facets of a search take ~1.65 ms at
        100 000 articles, against ~2.0 when ~1 000 people were labelled and sorted in Python."""
        values, docs, ids = self.facet_pairs(name)
        if not len(docs) or not bits:
            return []
        counts = np.bincount(ids[bit_array(bits, self.n)[docs]], minlength=len(values))
        labels, rank = self.facet_labels(name)
        found = np.flatnonzero(counts)
        order = found[np.lexsort((rank[found], -counts[found]))].tolist()
        return list(zip(map(labels.__getitem__, order), counts[order].tolist(), strict=True))

    def facet_labels(self, name: str) -> tuple[list[str], np.ndarray]:
        """The labels of a token facet's values (`facet_label`, in `facet_pairs` order) and the rank of each among
        them sorted."""
        with self._lock:
            known = self._facet_labels.get(name)
        if known is None:
            labels = list(map(facet_label(name), self.facet_pairs(name)[0]))
            rank = np.empty(len(labels), dtype=np.int64)
            rank[sorted(range(len(labels)), key=labels.__getitem__)] = np.arange(len(labels))
            known = (labels, rank)
            with self._lock:
                self._facet_labels[name] = known
        return known

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
    def position_keys(self, field: str, word: str, docs: np.ndarray) -> np.ndarray:
        """Position keys (global docnum << 32 | position) of a word, sorted, from the blocks holding the given
        docnums (int64, ascending): a superset of their keys, which the caller intersects.

        From the segment's keys file when it has the word (`positionkeys`), else from its posting blocks.
        Either is cached per segment: the documents one query checks, the next one checks again.
        """
        out: list[np.ndarray] = []
        ends = np.searchsorted(docs, [offset + leaf.doc_count_all() for leaf, offset in self.leaves]).tolist()
        for index, (leaf, offset) in enumerate(self.leaves):
            start, end = ends[index - 1] if index else 0, ends[index]
            if start == end:
                continue
            segment = self.segments[index]
            wanted = docs[start:end] - offset if offset else docs[start:end]
            stored = self.data.table((segment, "pkeys"), lambda leaf=leaf: KeysReader(leaf)) if segment else None
            if stored is not None and (field, word) in stored:  # written with the segment: one read
                found = [wanted_keys(self.data.blocks.get((segment, field, word),
                                                          lambda stored=stored: stored.keys(field, word)), wanted)]
            elif (field, word) not in leaf:
                continue
            else:
                blocks = self._blocks.get(("b", index, field, word),
                                          lambda leaf=leaf, segment=segment: BlockIndex(leaf, field, word, segment))
                found = blocks.keys(wanted.tolist(), self.data.blocks if segment is not None else self._decoded)
            keys = [k for k in found if len(k)]
            out += [k + (offset << KEY_SHIFT) for k in keys] if offset else keys
        if not out:
            return np.zeros(0, dtype=np.int64)
        return out[0] if len(out) == 1 else np.concatenate(out)

    def phrase_bits(self, field: str, words: list[str]) -> int:
        """Live documents with the words adjacent and in order in the field (verified on positions)."""
        key = (field, tuple(words))
        return self._phrases.get(key, lambda: self._carried(True, key,
                                                            lambda start: self._build_phrase_bits(field, words, start)))

    def cached_phrase(self, field: str, words: list[str]) -> int | None:
        """The phrase's bitset if a query already verified it (in this generation or, for the segments they
        share, an older one), else None (the caller checks positions)."""
        key = (field, tuple(words))
        found = self._phrases.peek(key)
        if found is None and any(o.caches[1].peek(key) is not None for o in self._older):
            found = self.phrase_bits(field, words)
        return found

    def _build_phrase_bits(self, field: str, words: list[str], start: int = 0) -> int:
        """In the segments from the `start`-th on:
        1. Segments that verified the phrase before (kept per segment id) give their bitset as is.
        2. The others are verified on positions, in the documents that have every word.
        3. Masked by the live documents: a segment's deletions only grow, so its older bitset is a superset.
        """
        key = ("phrase", field, tuple(words))
        bits = unknown = 0
        missing = []
        for i in range(start, len(self.leaves)):
            leaf, offset = self.leaves[i]
            segment = self.segments[i]
            local = self.data.phrases.peek((segment, *key)) if segment is not None else None
            if local is None:
                missing.append(i)
                unknown |= ((1 << leaf.doc_count_all()) - 1) << offset
            else:
                bits |= local << offset
        if missing:
            candidates = unknown & self.live
            for w in sorted(set(words), key=lambda w: self.doc_frequency(field, w)):
                if not candidates:
                    break
                candidates &= self.term_bits(field, w)
            found = set_bits(phrase_docs(self, field, words, docnum_array(candidates)), self.n) if candidates else 0
            for i in missing:
                leaf, offset = self.leaves[i]
                local = found >> offset & ((1 << leaf.doc_count_all()) - 1)
                if (segment := self.segments[i]) is not None:
                    self.data.phrases.get((segment, *key), lambda local=local: local)
                bits |= local << offset
        return bits & self.live


def phrase_docs(view: IndexView, field: str, words: list[str], docs: Sequence[int] | np.ndarray) -> list[int]:
    """The docnums among `docs` (ascending) where `words` appear adjacent and in order in `field`.

    Phrase starts are kept as keys, docnum << 32 | position of the first word: the rarest word's keys
    less its index in the phrase; each other word keeps the starts whose key plus its index is among
    its own keys, found by binary search in its sorted keys (C, numpy), so a common word's millions of
    keys are searched, never hashed. A phrase's documents hold every word, so whole blocks' keys can be
    searched unfiltered; the result is narrowed to `docs` at the end, and between words when few starts
    remain (the next word then reads only the blocks, or the slices of keys, of their documents).
    """
    if not len(docs):
        return []
    order = sorted(range(len(words)), key=lambda i: view.frequency(field, words[i]))
    wanted = np.asarray(docs, dtype=np.int64)
    starts = np.zeros(0, dtype=np.int64)
    alive = wanted
    for n, i in enumerate(order):
        keys = view.position_keys(field, words[i], alive)
        if not len(keys):
            return []
        if n == 0:
            # a position below i gives a negative key or one in the previous document, beyond its real positions
            starts = keys - i
        else:
            starts = starts[find_sorted(keys, starts + i)[1]]
        if not len(starts):
            return []
        if n + 1 < len(order) and len(starts) * 4 < len(alive):  # few left: the next word reads only theirs
            alive = _among(starts >> KEY_SHIFT, wanted)
    return _among(starts >> KEY_SHIFT, wanted).tolist()


def _among(docs: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """The distinct values of `docs` (ascending, repeated) that `wanted` (ascending, distinct, not empty) holds:
    np.intersect1d of two sorted arrays without its hashing and sort of both."""
    if not len(docs):
        return docs
    docs = docs[np.concatenate(([True], docs[1:] != docs[:-1]))]
    return docs[find_sorted(wanted, docs)[1]]


def find_sorted(values: np.ndarray, sought: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each of `sought` is in `values` (ascending, distinct), and whether it is there: its index where
    found (0 elsewhere), and a mask. One binary search each, in C."""
    if not len(values):
        return np.zeros(len(sought), dtype=np.intp), np.zeros(len(sought), dtype=bool)
    at = np.searchsorted(values, sought)
    at[at == len(values)] = 0
    found = values[at] == sought
    at[~found] = 0
    return at, found


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

