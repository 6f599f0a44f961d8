"""Per-segment data of the query path that outlives an index generation, keyed by segment id.

A Whoosh segment never changes once written (only its deletion set does, and deletions are masked by
each generation's live bitset), so what was read from it holds for every later generation that keeps it.
After a small commit only the new segments are read: facet columns, field lengths, lexicons, postings
and verified phrases of the others come from here. Everything in it is in local docnums.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any

from indexer.whoosh_engine.columns import column_values as whole_column
from indexer.whoosh_engine.worddf import WordTable


class LRU:
    """A small thread-safe LRU bounded by a total weight (entries, or bytes with `weigh`).

    Values are rebuilt on a miss, so a race between two threads only costs a recomputation.
    """

    def __init__(self, size: int, weigh: Callable[[Any], int] | None = None) -> None:
        self.size = size
        self.weigh = weigh or (lambda _value: 1)
        self.weight = 0
        self._data: OrderedDict[Any, Any] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._data)

    def peek(self, key: Any) -> Any:
        return self._data.get(key)

    def get(self, key: Any, build: Callable[[], Any]) -> Any:
        try:  # a hit takes no lock: each OrderedDict operation is atomic under the GIL
            self._data.move_to_end(key)
            return self._data[key]
        except KeyError:
            pass
        value = build()
        with self._lock:
            if key not in self._data:
                self._data[key] = value
                self.weight += self.weigh(value)
            while self.weight > self.size and len(self._data) > 1:
                _key, old = self._data.popitem(last=False)
                self.weight -= self.weigh(old)
        return value


    def pop(self, key: Any) -> Any:
        """Take an entry out (None when absent)."""
        with self._lock:
            value = self._data.pop(key, None)
            if value is not None:
                self.weight -= self.weigh(value)
        return value

    def shrink(self, size: int) -> None:
        """Drop the least recently used entries until the weight is at most `size`."""
        with self._lock:
            while self._data and self.weight > max(size, 0):
                _key, old = self._data.popitem(last=False)
                self.weight -= self.weigh(old)

    def discard(self, keep: Callable[[Any], bool]) -> None:
        """Drop the entries whose key `keep` rejects."""
        with self._lock:
            for key in [k for k in self._data if not keep(k)]:
                self.weight -= self.weigh(self._data.pop(key))


KEPT_GENERATIONS = 16  # older generations whose caches a new one may take over (a commit every 30 s: 8 minutes)


def common_prefix(old: list[str | None], new: list[str | None]) -> int:
    """How many segments, from the first, two generations hold alike (same ids, in the same order, so the same
    docnums): what a commit left as it was. An id of None (a reader without one) shares nothing."""
    count = 0
    for a, b in zip(old, new, strict=False):
        if a is None or a != b:
            break
        count += 1
    return count


@dataclass
class Older:
    """An older generation's caches, and how many of its segments, from the first, a newer one holds alike."""

    caches: tuple[LRU, ...]
    segments: list[str | None]
    kept: int = 0


def handed_over(before: list[Older], caches: tuple[LRU, ...], old_segments: list[str | None],
                segments: list[str | None]) -> list[Older]:
    """The older generations a new one (of `segments`) may take cached entries over from, newest first: the one
    before it (its `caches`, of `old_segments`) and those it had not handed over yet (`before`), up to
    KEPT_GENERATIONS, each with what it shares with the new one."""
    older = [Older(caches, old_segments), *before]
    return [Older(o.caches, o.segments, kept) for o in older[:KEPT_GENERATIONS]
            if (kept := common_prefix(o.segments, segments))]


def take_over(older: list[Older], which: int, key: Any, room: int) -> tuple[Any, int, list[Older]]:
    """`key`'s entry taken out of the `which`-th cache of the newest older generation that has one (None when
    none has), and how many segments that generation shares. The `which`-th caches then shrink into `room`,
    what the new generation's cache leaves of its budget (the newest keep it, the oldest give way first);
    returned with them, the older generations less those whose caches are all empty (let go)."""
    found, kept = None, 0
    for o in older:
        found = o.caches[which].pop(key)
        if found is not None:
            kept = o.kept
            break
    for o in older:
        o.caches[which].shrink(room)
        room -= o.caches[which].weight
    if older and not any(map(len, older[-1].caches)):
        older = [o for o in older if any(map(len, o.caches))]
    return found, kept, older


def bits_weight(bits: int) -> int:
    return (bits.bit_length() >> 3) + 64


LEAF_PHRASES_BYTES = 16 << 20    # local bitsets of verified phrases, all segments together
LEAF_POSTINGS_BYTES = 32 << 20   # local postings of terms (12 bytes each: int32 docnum, float64 weight)
LEAF_KEYS_BYTES = 32 << 20       # position keys of decoded blocks (8 bytes a position)
# composed over a generation's segments (matching.IndexView, ranking.Scorer)
BITS_CACHE_BYTES = 48 << 20    # term, phrase and date bitsets (12.5 KB each at 100 000 documents)
SCORE_CACHE_BYTES = 224 << 20  # BM25F scores per term (Dense tables, Sparse arrays): ~5 800 terms at 100 000
BLOCK_CACHE_BYTES = 32 << 20   # position keys of blocks, for an index whose segments have no id


@dataclass(frozen=True)
class CacheBudget:
    """The size bounds of a searcher's caches, in bytes: what a worker may grow to.

    The defaults add up to ~396 MB (`DEFAULT_MB`), what 100 000 articles use under a varied query load;
    `of_mb` scales them all for the setting `search_cache_mb`, so one number bounds a worker's caches.
    """

    leaf_phrases: int = LEAF_PHRASES_BYTES
    leaf_postings: int = LEAF_POSTINGS_BYTES
    leaf_keys: int = LEAF_KEYS_BYTES
    bits: int = BITS_CACHE_BYTES
    scores: int = SCORE_CACHE_BYTES
    blocks: int = BLOCK_CACHE_BYTES

    @classmethod
    def of_mb(cls, total_mb: int | None) -> CacheBudget:
        """The default proportions scaled to `total_mb` (the defaults for None or 0)."""
        if not total_mb:
            return cls()
        ratio = total_mb / DEFAULT_MB
        return cls(**{f.name: max(1, int(getattr(cls, f.name) * ratio)) for f in fields(cls)})


DEFAULT_MB = (LEAF_PHRASES_BYTES + LEAF_POSTINGS_BYTES + LEAF_KEYS_BYTES + BITS_CACHE_BYTES + BITS_CACHE_BYTES // 4
              + SCORE_CACHE_BYTES + BLOCK_CACHE_BYTES) >> 20


def postings_weight(dw: tuple[Any, Any]) -> int:
    return 12 * len(dw[0]) + 64


def keys_weight(keys: Any) -> int:
    return 8 * len(keys) + 64


def segment_id(leaf: Any) -> str | None:
    """The segment's stable name, or None for a reader that has none (nothing is cached for it)."""
    try:
        return str(leaf.segment().segment_id())
    except AttributeError:
        return None


class LeafData:
    """Caches per (segment id, ...) shared by the generations of one index directory."""

    def __init__(self, budget: CacheBudget | None = None) -> None:
        self.budget = budget or CacheBudget()
        self._lock = threading.Lock()
        self._tables: dict[tuple[Any, ...], Any] = {}  # whole-segment tables: columns, lengths, lexicons
        self.postings = LRU(self.budget.leaf_postings, postings_weight)  # (segment, field, text) → arrays
        self.phrases = LRU(self.budget.leaf_phrases, bits_weight)  # (segment, "phrase", field, words) → local bitset
        self.blocks = LRU(self.budget.leaf_keys, keys_weight)  # (segment, field, word, block) → position keys

    def table(self, key: tuple[Any, ...], build: Callable[[], Any]) -> Any:
        """A whole-segment table (key starts with the segment id), built once while the segment lives."""
        if key[0] is None:
            return build()
        with self._lock:
            value = self._tables.get(key)
        if value is None:
            value = build()
            with self._lock:
                self._tables.setdefault(key, value)
        return value

    def retain(self, segment_ids: set[str]) -> None:
        """Forget what was read from segments no longer in the index (merged away or replaced by a rebuild)."""
        with self._lock:
            self._tables = {k: v for k, v in self._tables.items() if k[0] in segment_ids}
        for cache in (self.postings, self.phrases, self.blocks):
            cache.discard(lambda key: key[0] in segment_ids)


def column_values(data: LeafData, leaf: Any, name: str) -> list[Any]:
    """A segment's column (facet values, pubdates), one value per local docnum."""
    def build() -> list[Any]:
        if not leaf.has_column(name):
            return [None] * leaf.doc_count_all()
        return whole_column(leaf, name)

    return data.table((segment_id(leaf), "column", name), build)


def exact_variants(data: LeafData, leaf: Any, exact_field: str) -> dict[str, list[str]]:
    """folded syllable → the segment's exact syllables that fold to it (one pass over its lexicon)."""
    from indexer.analysis.text import fold

    def build() -> dict[str, list[str]]:
        grouped: dict[str, list[str]] = defaultdict(list)
        if exact_field in leaf.schema:
            for term in leaf.lexicon(exact_field):
                text = term.decode("utf-8") if isinstance(term, bytes) else term
                grouped[fold(text)].append(text)
        return dict(grouped)

    return data.table((segment_id(leaf), "variants", exact_field), build)


def word_table(data: LeafData, leaf: Any) -> WordTable:
    """The segment's segmented-word counts (`worddf`), opened once while the segment lives."""
    return data.table((segment_id(leaf), "wdf"), lambda: WordTable.of(leaf))
