"""Top-k ranking with Whoosh's BM25F scores, computed over bitsets instead of Whoosh's matchers.

A query from `build_query` scores a document as a sum: each Term adds boost × BM25F of that term in
that field, each Phrase adds boost × the BM25F of its words when they are adjacent (Whoosh's phrase
matcher sums its term matchers). So the score is linear in per-term BM25F arrays (cached, and extended across
commits), except for phrases, whose presence needs positions. Ranking then takes two stages:
1. an upper bound for every matched document, with every phrase counted as present (C-level gathers);
2. exact scores, phrases checked on positions, for the best bounds only, in batches, until the k-th
   exact score beats the next bound. The result is Whoosh's own top k (score, then docnum), without
   walking the long posting lists in Python or checking spans on every match.
"""

from __future__ import annotations

import heapq
import threading
from array import array
from bisect import bisect_left
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

import numpy as np
from whoosh import query as Q
from whoosh.scoring import BM25F
from whoosh.util.numeric import byte_to_length

from indexer.whoosh_engine.reader.leafdata import Older, handed_over, segment_id, take_over
from indexer.whoosh_engine.reader.matching import (
    LRU,
    IndexView,
    Unsupported,
    bit_array,
    docnum_array,
    find_sorted,
    match_bits,
    phrase_docs,
)

BATCH = 32  # documents scored exactly in the first round of stage 2 (doubling after)
CHEAP_FRACTION = 8  # a phrase whose words' postings total under 1/8 of the documents is checked up front
# Stage 2 stops after this many exact scores beyond the page even if a bound is still above the k-th score:
# on flat queries (common syllables, thousands of similar documents) the bounds stay loose. Measured on
# 120 queries at 20 000 articles: capping at 256 gave the uncapped top 10 every time (at 128: 2 differed).
MAX_EXACT = 256
PRUNE_FROM = 5000  # candidates from which ranking tries the documents matching in a title first
SPARSE_FIELDS = frozenset({"att_f", "att_s"})  # fields most documents lack: averaged over those that have them
BODY_FIELDS = frozenset({"body_f", "body_s", *SPARSE_FIELDS})  # every field but the title's (see _title_first)
MAXES_KEPT = 100_000  # terms whose highest score is remembered (a float each)


@dataclass
class _Group:
    """Score parts that apply to the documents of `mask` (None: every matched document)."""

    mask: int | None
    linear: dict[tuple[str, str], float] = field(default_factory=dict)
    phrases: list[tuple[str, tuple[str, ...], float]] = field(default_factory=list)
    const: float = 0.0


class Sparse:
    """BM25F scores of a term that few documents have: its docnums, ascending, and their scores (0.0 for the
    others), in 12 bytes a document where a dict of int and float objects would take ~100. Rare terms are most
    of a worker's tables (3 000 of 4 000 at 100 000 articles): as dicts they would fill a fifth of the score
    cache, which the common terms' Dense tables use better (each saves reading a long posting list again)."""

    __slots__ = ("docs", "scores", "tfs")

    def __init__(self, docs: array | None = None, scores: array | None = None, tfs: array | None = None) -> None:
        self.docs = docs if docs is not None else array("i")
        self.scores = scores if scores is not None else array("d")
        self.tfs = tfs  # a term's frequencies, to score it anew after a commit (`Scorer._inherit`); None for a phrase

    @classmethod
    def of(cls, docs: np.ndarray, scores: np.ndarray, tfs: np.ndarray | None = None) -> Sparse:
        return cls(array("i", docs.astype(np.int32).tobytes()), array("d", scores.astype(np.float64).tobytes()),
                   None if tfs is None else array("d", tfs.astype(np.float64).tobytes()))

    def __len__(self) -> int:
        return len(self.docs)

    def __getitem__(self, d: int) -> float:
        i = bisect_left(self.docs, d)
        return self.scores[i] if i < len(self.docs) and self.docs[i] == d else 0.0

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """Docnums and scores as numpy arrays (views, no copy)."""
        return np.frombuffer(self.docs, dtype=np.int32), np.frombuffer(self.scores, dtype=np.float64)


class Dense:
    """BM25F scores of a term that many documents have, in 1 or 2 bytes a document instead of a float's 8.

    A score depends only on the term frequency and the one-byte field length, so a common term has at most a
    few thousand distinct (frequency, length) pairs: each document keeps the index of its own in `tfs`,
    `lengths` and `values` (0: absent, 0.0). A gather is then two C-level lookups, and four to eight times as
    many terms fit in the same cache (`SCORE_CACHE_BYTES`). A table of up to `NARROW_KEYS` pairs keeps
    1-byte keys: at 100 000 articles, a third of a worker's tables (titles, short words), 33 MB of its 225.
    Keeping the pairs lets the next index generation reuse the table (`extended`): after a commit only the new
    documents are read and the few hundred values recomputed for the new idf and average length, where
    rebuilding read every posting again.
    """

    __slots__ = ("keys", "values", "tfs", "lengths")

    def __init__(self, keys: array, values: list[float], tfs: array, lengths: array) -> None:
        self.keys = keys
        self.values = np.asarray(values, dtype=np.float64)  # an array: a gather indexes it with the keys in C
        self.tfs = tfs          # term frequency of each value's pair; index 0 is "absent"
        self.lengths = lengths  # length byte of each value's pair

    @classmethod
    def of(cls, n: int, docs: np.ndarray, tfs: np.ndarray, lengths: np.ndarray,
           score: Callable[[complex], float]) -> Dense | array:
        """The scores of `docs` given their term frequencies and length bytes (0.0 elsewhere); a plain float
        array in the rare case of 65 535+ distinct (frequency, length byte) pairs."""
        distinct, where = distinct_pairs(tfs, lengths)
        if len(distinct) >= 0xFFFF:
            out = np.zeros(n)
            out[docs] = np.fromiter(map(score, distinct.tolist()), dtype=np.float64, count=len(distinct))[where]
            return array("d", out.tobytes())
        typecode = _key_type(len(distinct) + 1)  # the absent pair too
        keys = np.zeros(n, dtype=KEY_TYPES[typecode])
        keys[docs] = where + 1  # 0: absent
        return cls._made(array(typecode, keys.tobytes()), [0j, *distinct.tolist()], score)

    def extended(self, keep: int, n: int, docs: list[int], pairs: list[complex],
                 score: Callable[[complex], float]) -> Dense | None:
        """This table's first `keep` documents, grown to `n` with the others' (`docs`, all from `keep` on) and
        every value recomputed by `score` (keys widened to 2 bytes when the pairs outgrow one); None when they
        no longer fit 2 bytes."""
        distinct = list(map(complex, self.tfs, self.lengths))
        position = dict(zip(distinct, range(len(distinct)), strict=True))
        for p in dict.fromkeys(pairs):
            if p not in position:
                position[p] = len(distinct)
                distinct.append(p)
        if len(distinct) > 0xFFFF:
            return None
        keys = self.keys[:keep]
        if keys.typecode != (typecode := _key_type(len(distinct))):
            keys = array(typecode, np.frombuffer(keys, dtype=np.uint8).astype(np.uint16).tobytes())
        keys.frombytes(bytes(keys.itemsize * (n - keep)))
        deque(map(keys.__setitem__, docs, map(position.__getitem__, pairs)), maxlen=0)
        return Dense._made(keys, distinct, score)

    @classmethod
    def _made(cls, keys: array, distinct: list[complex], score: Callable[[complex], float]) -> Dense:
        """A table from its keys and its distinct pairs (the first the absent 0j), each pair scored."""
        return cls(keys, [0.0, *map(score, distinct[1:])], array("d", map(_real, distinct)),
                   array("B", map(int, map(_imag, distinct))))

    def __getitem__(self, d: int) -> float:
        return float(self.values[self.keys[d]])

    def __len__(self) -> int:
        return len(self.keys)

    def gather(self, docs: np.ndarray) -> np.ndarray:
        """The scores at the given docnums, as float64s (two numpy gathers)."""
        return self.values[np.frombuffer(self.keys, dtype=KEY_TYPES[self.keys.typecode])[docs]]


NARROW_KEYS = 0xFF  # a Dense table of at most this many distinct pairs (the absent one included) has 1-byte keys
KEY_TYPES = {"B": np.uint8, "H": np.uint16}


def _key_type(pairs: int) -> str:
    """The array typecode of a Dense table's keys for `pairs` distinct pairs, the absent one included."""
    return "B" if pairs <= NARROW_KEYS else "H"

MAX_WHOLE_RANK = 1024  # frequencies up to this are their own rank (a table of at most 256 K booleans)


def distinct_pairs(tfs: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct (frequency, length byte) pairs as sorted complex numbers, and each document's index among
    them: `np.unique(tfs + 1j * lengths, return_inverse=True)`, without its sort of complex numbers.

    Each pair becomes an integer key, frequency rank << 8 | length byte, in the pairs' order; the keys present
    are marked in a table of booleans and numbered by a running count. Frequencies are small whole numbers
    (counts of a term), so they are their own rank and no sort is left: 0.2 ms for 40 000 documents where
    the complex sort took 5.
    """
    whole = tfs.astype(np.int64)
    if len(whole) and (whole == tfs).all() and whole.min() >= 0 and whole.max() < MAX_WHOLE_RANK:
        values, ranks = None, whole
    else:
        values, ranks = np.unique(tfs, return_inverse=True)
    keys = ranks.astype(np.int64) << 8 | lengths.astype(np.int64)
    present = np.zeros(int(keys.max()) + 1, dtype=bool)
    present[keys] = True
    found = np.flatnonzero(present)
    frequencies = found >> 8 if values is None else values[found >> 8]
    return frequencies + 1j * (found & 0xFF), (np.cumsum(present) - 1)[keys]


_real = attrgetter("real")
_imag = attrgetter("imag")
Scores = Dense | array | Sparse
SPARSE_WALK = 4     # a sparse array with under 1/4 as many entries as candidates is walked, not gathered
DENSE_FRACTION = 50  # a term in more than 1/50 of the documents keeps a Dense table (1-2 bytes a document, gathered
# directly; a Sparse one, 12 bytes a document it has, is searched)


def _scores_weight(scores: Scores) -> int:
    if isinstance(scores, Dense):
        return scores.keys.itemsize * len(scores.keys) + 17 * len(scores.values) + 256  # values, tfs, lengths
    if isinstance(scores, array):
        return 8 * len(scores)
    return (12 if scores.tfs is None else 20) * len(scores) + 64


class Scorer:
    """BM25F scores per term for one index generation, computed as Whoosh's BM25F does, and cached.

    With `previous`, the scorer of the generation before: when both begin with the same segments (a commit
    adds segments after the old ones, a merge replaces only the small last ones), its tables, and those it had
    not handed over from the generations before it (`KEPT_GENERATIONS` in all), are taken over on first use
    (`_inherit`) for the documents of those, so the terms a worker had scored are not read again after every
    commit. Together they stay within one cache's budget: the older tables give way as this generation's grow.
    """

    def __init__(self, view: IndexView, previous: Scorer | None = None) -> None:
        weighting = view.searcher.weighting
        if type(weighting) is not BM25F:
            raise Unsupported(weighting)
        self.view = view
        self.weighting = weighting
        self._arrays = LRU(view.data.budget.scores, _scores_weight)
        self._norms: dict[str, np.ndarray] = {}
        self._tables: dict[str, list[float]] = {}  # norm per length byte
        self._lengths: dict[str, bytes] = {}
        self._older: list[Older] = []  # older generations' tables, taken over on first use
        if previous is not None:
            self._older = handed_over(previous._older, (previous._arrays,), previous.view.segments, view.segments)
            previous._older = []  # handed over: one generation at a time takes from them
        self._maxes: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()

    def lengths(self, fieldname: str) -> bytes:
        """The field's length byte per docnum."""
        with self._lock:
            found = self._lengths.get(fieldname)
        if found is None:
            found = b"".join(bytes(lengths) for lengths in self._per_leaf_lengths(fieldname))
            with self._lock:
                self._lengths[fieldname] = found
        return found

    def _per_leaf_lengths(self, fieldname: str) -> list[list[int]]:
        # a segment's length bytes are read once while it lives
        return [self.view.data.table((segment_id(leaf), "lengths", fieldname),
                                     lambda leaf=leaf: _length_bytes(leaf, fieldname))
                for leaf, _offset in self.view.leaves]

    def norms(self, fieldname: str) -> np.ndarray:
        """The field's length normalisation per docnum (read once per generation; `SearchIndex.warm`)."""
        return self._norm(fieldname)

    def _norm(self, fieldname: str) -> np.ndarray:
        """K1 * ((1 - B) + B * length / average) per docnum, as Whoosh's bm25() computes it."""
        with self._lock:
            norms = self._norms.get(fieldname)
        if norms is None:
            table = np.asarray(self._norm_table(fieldname))
            norms = table[np.frombuffer(self.lengths(fieldname), dtype=np.uint8)]
            with self._lock:
                self._norms[fieldname] = norms
        return norms

    def _norm_table(self, fieldname: str) -> list[float]:
        """The norm of each length byte in this generation (the average length changes with every commit)."""
        with self._lock:
            table = self._tables.get(fieldname)
        if table is None:
            w = self.weighting
            B = w._field_B.get(fieldname, w.B)
            K1 = w.K1
            avgfl = self._average_length(fieldname, self._per_leaf_lengths(fieldname))
            table = [K1 * ((1 - B) + B * byte_to_length(b) / avgfl) if b else 1.0 for b in range(256)]
            with self._lock:
                self._tables[fieldname] = table
        return table

    def _score_of_pair(self, fieldname: str, text: str) -> Callable[[complex], float]:
        """BM25F of a (term frequency, length byte) pair in this generation, as `_build` computes it."""
        table = self._norm_table(fieldname)
        idf = self.view.searcher.idf(fieldname, text)
        K1 = self.weighting.K1

        def score(pair: complex) -> float:
            tf = pair.real
            return idf * ((tf * (K1 + 1)) / (tf + table[int(pair.imag)]))

        return score

    def _average_length(self, fieldname: str, per_leaf: list[list[int]]) -> float:
        """The field's average length, over the documents that have it for the fields few documents have.

        Whoosh averages over every document: with 1 % of posts carrying files, the attached text's average
        would be ~1/100 of a file's length, and BM25F's length normalisation would shrink every match in a
        file to a thirtieth of the same words in a body, whatever its weight (bench/relevance.py measured the
        attachment weight changing nothing from 0.25 to 1.0). Lucene, and so OpenSearch, averages over the
        documents that have the field, as this does.
        """
        total = self.view.searcher.field_length(fieldname)
        if fieldname in SPARSE_FIELDS:
            present = sum(len(lengths) - lengths.count(0) for lengths in per_leaf)
            return total / present if present and total else 1.0
        return self.view.searcher.avg_field_length(fieldname) or 1

    def term_array(self, fieldname: str, text: str) -> Scores:
        """Unboosted BM25F of the term per docnum (0.0 where absent)."""
        return self._arrays.get((fieldname, text), lambda: self._make(fieldname, text))

    def _make(self, fieldname: str, text: str) -> Scores:
        inherited = self._inherit(fieldname, text)
        return inherited if inherited is not None else self._build(fieldname, text)

    def _inherit(self, fieldname: str, text: str) -> Dense | Sparse | None:
        """The term's table of the newest older generation that kept one, cut to the segments both share and
        extended by the others' postings (None when there is none to take over). Taken out of the old cache; the
        old caches shrink as this one grows. A Dense table keeps its pairs and recomputes its values; a Sparse one
        keeps its frequencies and is scored again (the idf and the average length change with every commit)."""
        room = self._arrays.size - self._arrays.weight
        old, segments, self._older = take_over(self._older, 0, (fieldname, text), room)
        kept = self.view.offset_of(segments)  # documents at the same docnums in both
        if isinstance(old, Sparse) and old.tfs is not None:
            return self._extend_sparse(old, fieldname, text, kept)
        if not isinstance(old, Dense) or len(old.keys) < kept:
            return None
        docs: list[int] = []
        tfs: list[float] = []
        for ids, weights in self._new_postings(fieldname, text, kept):
            docs.extend(ids.tolist())
            tfs.extend(weights.tolist())
        lengths = self.lengths(fieldname)
        pairs = list(map(complex, tfs, map(lengths.__getitem__, docs)))
        return old.extended(kept, self.view.n, docs, pairs, self._score_of_pair(fieldname, text))

    def _new_postings(self, fieldname: str, text: str, kept: int) -> list[tuple[np.ndarray, np.ndarray]]:
        """(global docnums, weights) of the term in the segments from the `kept`-th document on."""
        view = self.view
        return [(ids + offset, weights)
                for i, (_leaf, offset) in enumerate(view.leaves) if offset >= kept
                for ids, weights in [view.leaf_postings(i, fieldname, text)]]

    def _extend_sparse(self, old: Sparse, fieldname: str, text: str, kept: int) -> Sparse | None:
        """A rare term's table for this generation from the old one's documents in the kept segments and the new
        segments' postings: the documents and frequencies `_build` would read, scored as it scores them. None when
        the term has grown common enough for a Dense table (a rebuild makes that)."""
        old_docs, _scores = old.arrays()
        cut = int(np.searchsorted(old_docs, kept))
        new = self._new_postings(fieldname, text, kept)
        docs = np.concatenate([old_docs[:cut].astype(np.int64), *(ids.astype(np.int64) for ids, _w in new)])
        tfs = np.concatenate([np.frombuffer(old.tfs, dtype=np.float64)[:cut], *(w for _ids, w in new)])
        if len(docs) * DENSE_FRACTION > self.view.n:
            return None
        return self._sparse(fieldname, text, docs, tfs)

    def term_max(self, fieldname: str, text: str) -> float:
        """The term's highest unboosted BM25F over the index (0.0 when absent)."""
        key = (fieldname, text)
        with self._lock:
            found = self._maxes.get(key)
        if found is None:
            values = self.term_array(fieldname, text)
            if isinstance(values, Dense):
                found = float(values.values.max())
            else:
                found = max(values.scores if isinstance(values, Sparse) else values, default=0.0)
            with self._lock:
                if len(self._maxes) >= MAXES_KEPT:
                    self._maxes.clear()
                self._maxes[key] = found
        return found

    def phrase_array(self, fieldname: str, words: tuple[str, ...], coef: float) -> Scores:
        """coef × the words' BM25F where the phrase is present, else 0 (phrases with short postings)."""

        def build() -> Scores:
            arrays = [self.term_array(fieldname, w) for w in words]
            docs = docnum_array(self.view.phrase_bits(fieldname, list(words)))
            return Sparse.of(docs, coef * _summed(arrays, docs))

        return self._arrays.get(("\"", fieldname, words, coef), build)

    def _build(self, fieldname: str, text: str) -> Scores:
        """1. Term frequencies per docnum (a folded term sums its exact variants); 2. BM25F over numpy arrays."""
        view = self.view
        docs, tfs = view.term_postings(fieldname, text)
        if len(docs) * DENSE_FRACTION > view.n:
            lengths = np.frombuffer(self.lengths(fieldname), dtype=np.uint8)[docs]
            return Dense.of(view.n, docs, tfs, lengths, self._score_of_pair(fieldname, text))
        return self._sparse(fieldname, text, docs, tfs)

    def _sparse(self, fieldname: str, text: str, docs: np.ndarray, tfs: np.ndarray) -> Sparse:
        """A rare term's table from its documents and frequencies."""
        idf = self.view.searcher.idf(fieldname, text)
        K1 = self.weighting.K1
        # idf * ((tf * (K1 + 1)) / (tf + norm)): Whoosh's bm25(), operation for operation (float64, elementwise)
        scores = idf * ((tfs * (K1 + 1)) / (tfs + self._norm(fieldname)[docs]))
        return Sparse.of(docs, scores, tfs)


def _length_bytes(leaf: Any, fieldname: str) -> list[int]:
    """The encoded field length of each document of a segment (Whoosh stores one byte per document)."""
    perdoc = getattr(leaf, "_perdoc", None)
    try:
        from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

        column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        if column is not None:
            return list(column)
    except (AttributeError, ImportError):
        pass
    from whoosh.util.numeric import length_to_byte

    return [length_to_byte(leaf.doc_field_length(d, fieldname, 0) or 0) for d in range(leaf.doc_count_all())]


# -- compiling a Whoosh query into score parts ----------------------------------------------------
def compile_query(view: IndexView, q: Q.Query) -> list[_Group]:
    """The query's score as groups of linear term parts and phrase parts."""
    top = _Group(mask=None)
    groups = [top]
    _compile(view, q, 1.0, top, groups)
    return [g for g in groups if g.linear or g.phrases or g.const]


def _simple(q: Q.Query) -> bool:
    """A node that scores 0 wherever it does not match, so it can share its parent's group."""
    if isinstance(q, Q.Term):
        return True
    if isinstance(q, Q.Phrase):
        return True
    return isinstance(q, Q.Or) and all(_simple(s) for s in q.subqueries)


def _compile(view: IndexView, q: Q.Query, coef: float, group: _Group, groups: list[_Group]) -> None:
    boost = getattr(q, "boost", 1.0)
    c = coef * boost
    if isinstance(q, Q.Term):
        if q.fieldname not in view.schema:
            return
        if view.schema[q.fieldname].scorable:
            key = (q.fieldname, q.text)
            group.linear[key] = group.linear.get(key, 0.0) + c
        else:  # an unscorable field (a filter) scores its weight, 1.0, where it matches
            _sub_group(view, q, c, group, groups, const=True)
    elif isinstance(q, Q.Phrase):
        if q.slop != 1:
            raise Unsupported(q)
        group.phrases.append((q.fieldname, tuple(q.words), c))
    elif isinstance(q, Q.And):
        for sub in q.subqueries:
            _compile(view, sub, c, group, groups)
    elif isinstance(q, Q.Or):
        for sub in q.subqueries:
            if _simple(sub):
                _compile(view, sub, c, group, groups)
            else:
                _sub_group(view, sub, c, group, groups)
    elif isinstance(q, Q.AndMaybe):
        _compile(view, q.a, c, group, groups)
        if _simple(q.b):
            _compile(view, q.b, c, group, groups)
        else:
            _sub_group(view, q.b, c, group, groups)
    elif isinstance(q, Q.AndNot):
        _compile(view, q.a, c, group, groups)
    elif isinstance(q, Q.Every | Q.NumericRange):
        group.const += c
    elif q is Q.NullQuery:
        return
    else:
        raise Unsupported(q)


def _sub_group(view: IndexView, q: Q.Query, coef: float, parent: _Group, groups: list[_Group], *,
               const: bool = False) -> None:
    mask = match_bits(view, q)
    if parent.mask is not None:
        mask &= parent.mask
    sub = _Group(mask=mask)
    groups.append(sub)
    if const:
        sub.const += coef
    else:
        _compile(view, q, coef, sub, groups)


# -- ranking --------------------------------------------------------------------------------------
def _gather(values: Scores, docs: np.ndarray) -> np.ndarray:
    """The values at the given docnums (ascending), as float64s, in C."""
    if isinstance(values, Dense):
        return values.gather(docs)
    if isinstance(values, array):
        return np.frombuffer(values, dtype=np.float64)[docs]
    keys, scores = values.arrays()
    at, found = find_sorted(keys, docs)
    return np.where(found, scores[at], 0.0) if len(keys) else np.zeros(len(docs))


def _scatter(values: np.ndarray, scores: Sparse, c: float, docs: np.ndarray) -> None:
    """Adds c × each of a sparse array's scores to `values` at its docnum's index in `docs` (ascending), if there."""
    where, got = scores.arrays()
    at, inside = find_sorted(docs, where)
    values[at[inside]] += got[inside] * c


def _best(high: np.ndarray, k: int) -> np.ndarray:
    """Indexes of the k highest values, highest first, equal values by lower index first (as heapq's are)."""
    if k >= len(high):
        return np.lexsort((np.arange(len(high)), -high))
    kth = np.partition(high, len(high) - k)[len(high) - k]
    top = np.flatnonzero(high >= kth)  # ties at the k-th value all come, the lowest indexes kept below
    return top[np.lexsort((top, -high[top]))][:k]


@dataclass
class _Plan:
    """One group's score, split for the two stages."""

    member: np.ndarray | None                     # 1/0 per candidate when the group has a mask
    linear: list[tuple[Scores, float]]            # exact part: (BM25F array, coefficient)
    const: float
    cheap: list[tuple[int, list[Scores], float]]  # phrases known for every document: (bits, word arrays, coef)
    costly: list[tuple[str, tuple[str, ...], list[Scores], float]]  # phrases checked on positions in stage 2
    bound: list[tuple[Scores, float]]             # Σ coef × array bounds the score (exact but for `costly`)


def _plan(scorer: Scorer, g: _Group, docs: np.ndarray) -> _Plan:
    view = scorer.view
    high: dict[tuple[str, str], float] = dict(g.linear)
    cheap, costly, bound = [], [], []
    for fieldname, words, c in g.phrases:
        arrays = [scorer.term_array(fieldname, w) for w in words]
        postings = sum(view.doc_frequency(fieldname, w) for w in set(words))
        if postings <= view.n // CHEAP_FRACTION:
            bits = view.phrase_bits(fieldname, list(words))
            cheap.append((bits, arrays, c))
            bound.append((scorer.phrase_array(fieldname, words, c), 1.0))
        else:
            costly.append((fieldname, words, arrays, c))
            for w in words:
                high[(fieldname, w)] = high.get((fieldname, w), 0.0) + c
    # (a summed title+body array per word would save gathers, but doubles the memory of the cache:
    # at 100 000 articles the arrays of a day's queries no longer fit and get rebuilt)
    bound.extend((scorer.term_array(*key), c) for key, c in high.items())
    member = bit_array(g.mask, view.n)[docs].astype(np.float64) if g.mask is not None else None
    return _Plan(member=member,
                 linear=[(scorer.term_array(*key), c) for key, c in g.linear.items()], const=g.const,
                 cheap=cheap, costly=costly, bound=bound)


def rank(scorer: Scorer, groups: list[_Group], bits: int, limit: int) -> list[tuple[float, int]]:
    """The best `limit` (score, docnum) among the documents of `bits`, by score then docnum, as Whoosh orders them.

    With many candidates, first among those matching in a title (or a code): see `_title_first`.
    """
    if not bits or limit <= 0:
        return []
    if bits.bit_count() >= PRUNE_FROM:
        top = _title_first(scorer, groups, bits, limit)
        if top is not None:
            return top
    return _rank(scorer, groups, docnum_array(bits), limit)


def _rank(scorer: Scorer, groups: list[_Group], docs: np.ndarray, limit: int) -> list[tuple[float, int]]:
    """The best `limit` among `docs` (ascending), in two stages:

    1. A bound per candidate: every term part, plus phrases, exact when the phrase's postings are
       short (checked for the whole index once, cached), else counted as present. All in C-level gathers.
    2. Exact scores in order of the bound, a batch at a time, until the k-th exact beats the next bound.
    """
    n = len(docs)
    plans = [_plan(scorer, g, docs) for g in groups]
    high = np.zeros(n)
    for p in plans:  # numpy, elementwise in the order the exact stage sums: the same float64 results
        values = np.full(n, p.const)
        for arr, c in p.bound:
            if isinstance(arr, Sparse) and len(arr) * SPARSE_WALK < n:
                # a title's or a rare word's few scores: placed by binary search rather than gathered
                _scatter(values, arr, c, docs)
                continue
            got = _gather(arr, docs)
            values = values + (got if c == 1.0 else got * c)
        if p.member is not None:
            values = values * p.member
        high = high + values
    if not any(p.costly for p in plans):  # the bound is the score
        return [(float(high[i]), int(docs[i])) for i in _best(high, limit)]
    return _rank_in_batches(scorer.view, docs, high, plans, limit)


def _title_first(scorer: Scorer, groups: list[_Group], bits: int, limit: int) -> list[tuple[float, int]] | None:
    """The top `limit` when it can be found among the matches with a title (or code) term, else None.

    Body terms alone can give a document at most `ceiling`: the sum, over body terms and body phrases,
    of coefficient × the term's highest BM25F in the index (plus every constant part). Title terms
    weigh 2.5 × 2 as much, so a common query's best documents match in their titles. If the k-th best
    among the documents with some title or code term scores above `ceiling`, no other document can
    reach it: that is the answer, from a few thousand candidates instead of tens of thousands
    (MaxScore pruning, with the title terms as the essential ones). Only for a query of one group
    of terms (filters add constants); anything else, or a ceiling not beaten, ranks every match.
    """
    top, *rest = groups
    if top.mask is not None or any(g.linear or g.phrases for g in rest):
        return None
    view = scorer.view
    ceiling = top.const + sum(max(g.const, 0.0) for g in rest)
    essential = 0
    for (fieldname, text), c in top.linear.items():
        if fieldname in BODY_FIELDS:
            ceiling += c * scorer.term_max(fieldname, text)
        else:
            essential |= view.term_bits(fieldname, text)
    for fieldname, words, c in top.phrases:
        if fieldname in BODY_FIELDS:
            ceiling += c * sum(scorer.term_max(fieldname, w) for w in words)
        # a phrase elsewhere needs its words there: its documents are among the essential ones already
    essential &= bits
    if not essential or essential == bits:
        return None
    best = _rank(scorer, groups, docnum_array(essential), limit)
    if len(best) == limit and best[-1][0] > ceiling:
        return best
    return None


def _exact(view: IndexView, plans: list[_Plan], docs: np.ndarray, batch: list[int]) -> dict[int, float]:
    """Exact scores of the candidates at the given indexes; costly phrases read from positions.

    Elementwise in numpy, each operation in the order of a document's own sum (the constant, then each term part,
    then each phrase's words from 0), so each score is the float64 that summing it alone gives.
    """
    at = np.asarray(batch, dtype=np.intp)
    chosen = docs[at]
    total = np.zeros(len(at))
    ordered = np.sort(chosen)
    for p in plans:
        values = np.full(len(at), p.const)
        for arr, c in p.linear:
            values = values + c * _gather(arr, chosen)
        for bits, arrays, c in p.cheap:
            values = values + np.where(bit_array(bits, view.n)[chosen], c * _summed(arrays, chosen), 0.0)
        for fieldname, words, arrays, c in p.costly:
            have_all = np.logical_and.reduce([_gather(a, ordered) > 0.0 for a in arrays])
            need = ordered[have_all].tolist()
            found = _phrase_present(view, fieldname, list(words), need) if need else []
            present = np.isin(chosen, np.asarray(found, dtype=np.int64))
            values = values + np.where(present, c * _summed(arrays, chosen), 0.0)
        total = total + (values if p.member is None else np.where(p.member[at] != 0, values, 0.0))
    return dict(zip(batch, total.tolist(), strict=True))


def _summed(arrays: list[Scores], docs: np.ndarray) -> np.ndarray:
    """Σ of the arrays at `docs`, from 0 and in their order (as Python's sum() adds them)."""
    out = np.zeros(len(docs))
    for a in arrays:
        out = out + _gather(a, docs)
    return out


def _rank_in_batches(view: IndexView, docs: np.ndarray, high: np.ndarray, plans: list[_Plan],
                     limit: int) -> list[tuple[float, int]]:
    best: list[tuple[float, int]] = []  # min-heap of (score, -docnum): the weakest of the top first
    done = 0
    size = max(BATCH, limit)
    cap = MAX_EXACT + limit
    ranked = _best(high, min(len(docs), cap) + 1).tolist()  # once: the cap bounds it
    high = high.tolist()
    while done < min(len(docs), cap):
        size = min(size, cap - done)
        batch, rest = ranked[done:done + size], ranked[done + size:done + size + 1]
        done += len(batch)
        for i, s in _exact(view, plans, docs, batch).items():
            item = (s, -int(docs[i]))
            if len(best) < limit:
                heapq.heappush(best, item)
            elif item > best[0]:
                heapq.heapreplace(best, item)
        if len(best) >= limit and (not rest or high[rest[0]] < best[0][0]):
            break
        size *= 2
    return [(s, -negd) for s, negd in sorted(best, reverse=True)]


def _phrase_present(view: IndexView, fieldname: str, words: list[str], need: list[int]) -> list[int]:
    """Which of `need` hold the phrase: from a cached phrase bitset when there is one, else positions."""
    cached = view.cached_phrase(fieldname, words)
    if cached is not None:
        member = bit_array(cached, view.n)  # one unpacking, not a shift of the whole bitset per document
        return [d for d in need if member[d]]
    return phrase_docs(view, fieldname, words, need)


__all__ = ["Scorer", "compile_query", "rank"]
