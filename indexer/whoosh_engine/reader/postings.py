"""Reading one segment's postings below Whoosh's matchers: (ids, weights) per block, position keys per block.

Whoosh's W3 codec decodes a block's ids with a Python generator and positions one posting at a time;
here ids are summed in C and a block's packed positions (schema.PackedPositions) become one array of
keys in C. Other codecs and formats go through Whoosh's own (slower) decoding.
"""

from __future__ import annotations

import io
import pickle
import struct
import threading
import zlib
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from itertools import accumulate, chain
from typing import Any

import numpy as np
from whoosh.matching.wrappers import FilterMatcher

from indexer.whoosh_engine.positionkeys import KEY_SHIFT, block_keys, keys_of
from indexer.whoosh_engine.reader.leafdata import LRU
from indexer.whoosh_engine.schema import PackedPositions

SLICE_BELOW = 64  # documents asked for × this < keys in their block: slice out theirs instead of all


def leaf_matcher(leaf: Any, field: str, text: str) -> Any:
    """The raw posting matcher of a segment (deleted documents are masked by the caller)."""
    m = leaf.postings(field, text)
    return m.child if isinstance(m, FilterMatcher) else m


W3_BLOCKS = ("_postfile", "_startoffset", "_length", "_baseoffset", "_byteids")  # what `posting_blocks` reads
_BLOCK_LENGTH = struct.Struct("!i")  # whoosh.system's int: a block's byte length, negative for the last block


def posting_blocks(m: Any) -> Iterator[tuple[Any, Any]]:
    """(ids, weights) per posting block of a fresh matcher's term: the W3 codec's blocks parsed from the term's
    postings read in one piece, else Whoosh's matcher one posting at a time.

    Whoosh reads a block's length, its pickled info and its data through a seek and a read each, and decodes the
    ids' deltas with a Python generator: here one read, the blocks cut from memory, deltas summed in C.
    """
    if all(hasattr(m, a) for a in W3_BLOCKS) and m._length:
        # a term read from disk keeps its length as struct.unpack gave it, a 1-tuple (W3TermInfo.from_bytes)
        raw = m._postfile.get(m._startoffset, m._length[0] if isinstance(m._length, tuple) else m._length)
        stream = io.BytesIO(raw)
        position = m._baseoffset - m._startoffset  # past the postings' header tag
        while position < len(raw):
            (length,) = _BLOCK_LENGTH.unpack_from(raw, position)
            stream.seek(position + _BLOCK_LENGTH.size)
            compression = pickle.load(stream)[3]  # (postings, last id, max weight, compression, lengths)
            position += _BLOCK_LENGTH.size + abs(length)
            data = raw[stream.tell():position]
            raw_ids, weights = pickle.loads(zlib.decompress(data) if compression else data)[:2]
            ids = raw_ids if m._byteids else list(accumulate(raw_ids))
            if weights is None or isinstance(weights, float):
                weights = [1.0 if weights is None else weights] * len(ids)
            yield ids, weights
            if length < 0:
                break
        return
    ids, weights = [], []
    while m.is_active():
        ids.append(m.id())
        weights.append(m.weight())
        m.next()
    yield ids, weights


class BlockIndex:
    """Where each posting block of one term in one segment starts, to decode only the blocks needed.

    A block decodes to position keys: local docnum << 32 | position, one per occurrence, in an array
    (8 bytes each). Phrase checks intersect such keys, shifted, in C (`matching.phrase_docs`).
    """

    def __init__(self, leaf: Any, field: str, word: str, segment: str | None = None) -> None:
        # a segment's blocks never change: decoded ones are shared by generations under its id
        self.key = (segment, field, word) if segment is not None else (id(leaf), field, word)
        self.leaf, self.field, self.word = leaf, field, word
        self._lock = threading.Lock()
        self.matcher = m = leaf_matcher(leaf, field, word)
        self.packed = isinstance(getattr(m, "format", None), PackedPositions)
        self.maxids: list[int] = []
        self.offsets: list[int] = []
        self.generic = not all(hasattr(m, a) for a in ("_goto", "_lastblock", "_nextoffset", "_read_values"))
        if self.generic:
            return
        position = m._baseoffset
        while True:
            m._goto(position)
            self.offsets.append(position)
            self.maxids.append(m._maxid)
            if m._lastblock:
                break
            position = m._nextoffset

    def keys(self, locals_: list[int], cache: LRU) -> list[np.ndarray]:
        """Position keys of the blocks holding the given local docnums (ascending), each block decoded once.

        Whole blocks' keys or only the documents' (`wanted_keys`), as int64 arrays.
        """
        if self.generic:  # another codec: a fresh matcher per document (slow, but right)
            out = array("Q")
            for local in locals_:
                m = leaf_matcher(self.leaf, self.field, self.word)
                if m.is_active():
                    m.skip_to(local)
                if m.is_active() and m.id() == local:
                    out.extend(local << KEY_SHIFT | p for p in m.value_as("positions"))
            return [as_int64(out)]
        maxids, count = self.maxids, len(locals_)
        found: list[np.ndarray] = []
        i = b = 0
        while i < count:
            b = bisect_left(maxids, locals_[i], b)
            if b == len(maxids):
                break
            end = bisect_right(locals_, maxids[b], i)
            found.append(wanted_keys(cache.get(self.key + (b,), lambda b=b: self._decode(b)), locals_[i:end]))
            i = end
        return found

    def _decode(self, b: int) -> array:
        with self._lock:  # the matcher is the block reader: one block at a time
            m = self.matcher
            m._goto(self.offsets[b])
            m._read_data()
            raw = m._data[0]
            ids = raw if m._byteids else list(accumulate(raw))
            m._read_values()
            values = m._values
        if self.packed:  # one array of every position in the block, in C
            return block_keys(ids, values)
        decode = self.matcher.format.decoder("positions")
        lists = [decode(v) for v in values]
        return keys_of(ids, map(len, lists), chain.from_iterable(lists))


def as_int64(keys: array) -> np.ndarray:
    """Position keys as int64 (a view, no copy): keys are below 2**63 (docnums below 2**31), so they stay sorted
    and a phrase's shifts of them cannot wrap."""
    return np.frombuffer(keys, dtype=np.int64) if len(keys) else np.zeros(0, dtype=np.int64)


def wanted_keys(keys: array, locals_: Sequence[int] | np.ndarray) -> np.ndarray:
    """The keys (sorted, int64) of the given local docnums (ascending).

    Where most of them are asked for, the keys come whole, other documents included: the caller
    intersects them, which is cheaper than filtering here. Where only a few are, only theirs come:
    each document's range found by binary search and the ranges gathered, all in C.
    """
    whole = as_int64(keys)
    if len(locals_) * SLICE_BELOW >= len(whole):
        return whole
    low = np.asarray(locals_, dtype=np.int64) << KEY_SHIFT
    starts = np.searchsorted(whole, low)
    counts = np.searchsorted(whole, low + (1 << KEY_SHIFT)) - starts
    total = int(counts.sum())
    if not total:
        return whole[:0]
    # index of every wanted key: each range's start, plus its place within the range
    before = np.cumsum(counts) - counts
    return whole[np.repeat(starts - before, counts) + np.arange(total)]
