"""How many documents of a segment contain each segmented word, in a table written beside the segment.

The suggester asks how many documents hold a word ("hội_nghị") to tell a slip from a real word; nothing
ranks by words (search: whole-word boosts measured worse than phrases). A `words` field kept those
counts as postings, 17 % of a segment's postings and 45 % of its terms, written for nothing but their
number: a sixth of the indexing time outside segmentation. So the segment writer counts
each document's distinct words and, when it writes the segment, stores `<segment id>.wdf`. Named after
the segment like `.pkeys`, it is deleted or packed into a compound segment with the segment's files.

Layout (little-endian): b"TWD1", the number of words n, n + 1 uint32 offsets into the words, n uint32
counts, then the words in UTF-8, sorted. Written in a few C calls; looked up by bisection in memory
(~20 bytes a word: no dict of strings per web worker).

Counts are what Whoosh's doc_frequency gives for a term: a deleted document counts until its segment
is rewritten. One difference: a merged segment adds up the counts of the segments it absorbs, deleted
documents included (their words are not stored), where Whoosh's merged postings drop them; only the
small segments of incremental updates are merged, and a rebuild counts afresh.
"""

from __future__ import annotations

import struct
import threading
from array import array
from bisect import bisect_left
from collections import Counter
from itertools import accumulate
from typing import Any

from indexer.whoosh_engine.schema import little_endian

EXT = ".wdf"
MAGIC = b"TWD1"
_HEADER = struct.Struct("<4sI")


def write(segment: Any, storage: Any, counts: Counter[str]) -> None:
    """The segment's table, if it has any words."""
    if not counts:
        return
    words = sorted(counts)  # code point order, which is UTF-8's
    encoded = list(map(str.encode, words))
    offsets = array("I", accumulate(map(len, encoded), initial=0))
    with segment.create_file(storage, EXT) as f:
        f.write(_HEADER.pack(MAGIC, len(words)))
        f.write(little_endian(offsets).tobytes())
        f.write(little_endian(array("I", map(counts.__getitem__, words))).tobytes())
        f.write(b"".join(encoded))


class WordTable:
    """One segment's table, read on first lookup; a segment without one (or with an unreadable one)
    knows no words, and suggestions lose that evidence but nothing fails."""

    def __init__(self, storage: Any, segment: Any) -> None:
        self._storage, self._segment = storage, segment
        self._lock = threading.Lock()
        self._read = False
        self._offsets = self._counts = array("I")
        self._words = b""

    @classmethod
    def of(cls, leaf: Any) -> WordTable:
        """The table of a segment reader's segment."""
        try:
            return cls(leaf.storage(), leaf.segment())
        except AttributeError:
            return cls(None, None)

    def _load(self) -> None:
        with self._lock:
            if self._read:
                return
            self._read = True
            try:
                name = self._segment.make_filename(EXT)
                if not self._storage.file_exists(name):
                    return
                with self._storage.open_file(name) as f:
                    data = f.read()
                magic, n = _HEADER.unpack_from(data)
                start = _HEADER.size
                offsets, counts = array("I"), array("I")
                offsets.frombytes(data[start:start + 4 * (n + 1)])
                counts.frombytes(data[start + 4 * (n + 1):start + 4 * (2 * n + 1)])
                words = data[start + 4 * (2 * n + 1):]
                little_endian(offsets), little_endian(counts)
                if magic != MAGIC or len(offsets) != n + 1 or len(counts) != n or offsets[-1] != len(words):
                    return
                self._offsets, self._counts, self._words = offsets, counts, words
            except (AttributeError, OSError, ValueError, EOFError, struct.error):
                return

    def _word(self, i: int) -> bytes:
        return self._words[self._offsets[i]:self._offsets[i + 1]]

    def get(self, word: str) -> int:
        self._load()
        key = word.encode("utf-8")
        i = bisect_left(range(len(self._counts)), key, key=self._word)
        return self._counts[i] if i < len(self._counts) and self._word(i) == key else 0

    def counts(self) -> Counter[str]:
        """Every word and its count (to merge the segment into another)."""
        self._load()
        words = (self._word(i).decode("utf-8") for i in range(len(self._counts)))
        return Counter(dict(zip(words, self._counts, strict=True)))

