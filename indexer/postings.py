"""Reading one segment's postings below Whoosh's matchers: (ids, weights) per block, positions per document.

Whoosh's W3 codec decodes a block's ids with a Python generator and positions one posting at a time;
here ids are summed in C and a block's positions come from one unpickling. Other codecs go through
Whoosh's own (slower) matcher methods.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from itertools import accumulate
from pickle import loads
from typing import Any

from whoosh.formats import Positions
from whoosh.matching.wrappers import FilterMatcher
from whoosh.system import _INT_SIZE

from indexer.leafdata import LRU


def leaf_matcher(leaf: Any, field: str, text: str) -> Any:
    """The raw posting matcher of a segment (deleted documents are masked by the caller)."""
    m = leaf.postings(field, text)
    return m.child if isinstance(m, FilterMatcher) else m


def posting_blocks(m: Any) -> Iterator[tuple[Any, Any]]:
    """(ids, weights) per posting block: the W3 codec's block data decoded in C, else one by one.

    Whoosh's own `_read_ids` decodes the ids' deltas with a Python generator; `accumulate` does it in C.
    """
    if all(hasattr(m, a) for a in ("_read_data", "_byteids", "_goto", "_lastblock", "_nextoffset")):
        while not m._atend and m._blocklength:
            m._read_data()
            raw_ids, weights = m._data[0], m._data[1]
            ids = raw_ids if m._byteids else list(accumulate(raw_ids))
            if weights is None or isinstance(weights, float):
                weights = [1.0 if weights is None else weights] * len(ids)
            yield ids, weights
            if m._lastblock:
                break
            m._goto(m._nextoffset)
        return
    ids, weights = [], []
    while m.is_active():
        ids.append(m.id())
        weights.append(m.weight())
        m.next()
    yield ids, weights


class BlockIndex:
    """Where each posting block of one term in one segment starts, to decode only the blocks needed."""

    def __init__(self, leaf: Any, field: str, word: str, segment: str | None = None) -> None:
        # a segment's blocks never change: decoded ones are shared by generations under its id
        self.key = (segment, field, word) if segment is not None else (id(leaf), field, word)
        self.leaf, self.field, self.word = leaf, field, word
        self._lock = threading.Lock()
        self.matcher = m = leaf_matcher(leaf, field, word)
        self.decoder = _positions_decoder(m.format) if hasattr(m, "format") else None
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

    def lookup(self, locals_: list[int], cache: LRU) -> dict[int, list[int]]:
        """Positions at the given local docnums (ascending): each block fetched once, decoded on first use."""
        out: dict[int, list[int]] = {}
        if self.generic:  # another codec: a fresh matcher per lookup (slow, but right)
            for local in locals_:
                m = leaf_matcher(self.leaf, self.field, self.word)
                if m.is_active():
                    m.skip_to(local)
                if m.is_active() and m.id() == local:
                    out[local] = m.value_as("positions")
            return out
        maxids, count, decoder = self.maxids, len(locals_), self.decoder
        i = b = 0
        while i < count:
            b = bisect_left(maxids, locals_[i], b)
            if b == len(maxids):
                break
            where, values, decoded = cache.get(self.key + (b,), lambda b=b: self._decode(b))
            maxid = maxids[b]
            end = bisect_right(locals_, maxid, i)
            if (end - i) * 4 > len(values) and None in decoded:  # most of the block: decode it at once
                decoded[:] = _decode_block(values, decoder)
            for local in locals_[i:end]:
                j = where.get(local)
                if j is not None:
                    found = decoded[j]
                    if found is None:  # decoded on first use: a query rarely needs every posting of a block
                        found = decoded[j] = decoder(values[j])
                    out[local] = found
            i = end
        return out

    def _decode(self, b: int) -> tuple[dict[int, int], Any, list[list[int] | None]]:
        with self._lock:  # the matcher is the block reader: one block at a time
            m = self.matcher
            m._goto(self.offsets[b])
            m._read_data()
            raw = m._data[0]
            ids = raw if m._byteids else accumulate(raw)
            m._read_values()
            return {d: j for j, d in enumerate(ids)}, m._values, [None] * m._blocklength


_PICKLE_PROTOCOL_2 = b"\x80\x02"


def _decode_block(values: Any, decoder: Callable[[bytes], list[int]]) -> list[list[int]]:
    """Positions of every posting of a block with one unpickling instead of one per posting.

    Each value is a count then a protocol-2 pickle of the position deltas (its STOP may be cut): the
    pickles' bodies, joined inside one list, unpickle to the list of delta lists.
    """
    bodies = []
    for v in values:
        if v[_INT_SIZE:_INT_SIZE + 2] != _PICKLE_PROTOCOL_2:
            return [decoder(v) for v in values]
        bodies.append(v[_INT_SIZE + 2:-1] if v.endswith(b".") else v[_INT_SIZE + 2:])
    try:
        deltas = loads(_PICKLE_PROTOCOL_2 + b"](" + b"".join(bodies) + b"e.")
    except Exception:  # noqa: BLE001 - an encoding we did not expect: decode one by one, as Whoosh does
        return [decoder(v) for v in values]
    if len(deltas) != len(values):
        return [decoder(v) for v in values]
    return list(map(list, map(accumulate, deltas)))


def _positions_decoder(fmt: Any) -> Callable[[bytes], list[int]]:
    """Whoosh's Positions decoding with the deltas summed in C (its own loop is Python)."""
    if type(fmt) is not Positions:
        return fmt.decoder("positions")

    def decode(value: bytes) -> list[int]:
        if not value.endswith(b"."):  # Whoosh drops pickle's STOP opcode when it stores the value
            value += b"."
        return list(accumulate(loads(value[_INT_SIZE:])))

    return decode
