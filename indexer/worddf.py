"""How many documents of a segment contain each segmented word, in a table written beside the segment.

The suggester asks how many documents hold a word ("hội_nghị") to tell a slip from a real word; nothing
ranks by words (search: whole-word boosts measured worse than phrases). A `words` field kept those
counts as postings, 17 % of a segment's postings and 45 % of its terms, written for nothing but their
number: a sixth of the indexing time outside segmentation (issue 5). So the segment writer counts
each document's distinct words and, when it writes the segment, stores `<segment id>.wdf`: Whoosh's
own on-disk hash table (word in UTF-8 → count). Named after the
segment like `.pkeys`, it is deleted or packed into a compound segment with the segment's files.

Counts are what Whoosh's doc_frequency gives for a term: a deleted document counts until its segment
is rewritten. One difference: a merged segment adds up the counts of the segments it absorbs, deleted
documents included (their words are not stored), where Whoosh's merged postings drop them; only the
small segments of incremental updates are merged, and a rebuild counts afresh.
"""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

from whoosh.filedb.filetables import FileFormatError, HashReader, HashWriter
from whoosh.filedb.structfile import BufferFile
from whoosh.system import pack_uint, unpack_uint

EXT = ".wdf"


def write(segment: Any, storage: Any, counts: Counter[str]) -> None:
    """The segment's table, if it has any words."""
    if not counts:
        return
    table = HashWriter(segment.create_file(storage, EXT))
    add = table.add
    for word, n in counts.items():
        add(word.encode("utf-8"), pack_uint(n))
    table.close()


class WordTable:
    """One segment's table, read into memory on first lookup (a few MB: no file stays open, and a
    lookup is no system call; a suggestion may make thousands). A segment without one knows no words."""

    def __init__(self, storage: Any, segment: Any) -> None:
        self._storage, self._segment = storage, segment
        self._lock = threading.Lock()
        self._table: HashReader | None = None
        self._read = False

    @classmethod
    def of(cls, leaf: Any) -> WordTable:
        """The table of a segment reader's segment."""
        try:
            return cls(leaf.storage(), leaf.segment())
        except AttributeError:
            return cls(None, None)

    def _open(self) -> HashReader | None:
        with self._lock:
            if not self._read:
                self._read = True
                try:
                    name = self._segment.make_filename(EXT)
                    if self._storage.file_exists(name):
                        with self._storage.open_file(name) as f:
                            data = f.read()
                        self._table = HashReader(BufferFile(data, name=name), len(data))
                except (AttributeError, OSError, ValueError, EOFError, FileFormatError):
                    self._table = None  # unreadable: suggestions lose their word evidence, nothing fails
            return self._table

    def get(self, word: str) -> int:
        table = self._open()
        value = table.get(word.encode("utf-8")) if table is not None else None
        return 0 if value is None else unpack_uint(value)[0]

    def counts(self) -> Counter[str]:
        """Every word and its count (to merge the segment into another)."""
        table = self._open()
        if table is None:
            return Counter()
        return Counter({k.decode("utf-8"): unpack_uint(v)[0] for k, v in table.items()})
