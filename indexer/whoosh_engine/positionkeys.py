"""Position keys of a segment's common terms, written beside the segment when it is written.

A phrase check needs every position of its words in the candidate documents. For a common folded
syllable ("co": 886 000 positions in 100 000 articles) that is ~800 posting blocks to read, inflate and
unpickle: most of a phrase query's time, paid again by every process and after every restart.
So the segment writer also stores, per common term of a positional field, its keys (local docnum << 32
| position, uint64 little-endian, sorted) in one file per segment, `<segment id>.pkeys`: one read and
an array copy at query time. Whoosh's own files are untouched; the file's name follows the segment's,
so Whoosh deletes it with the segment, packs it into a compound segment, and a reader without it (an
older segment, a term below the threshold) decodes the posting blocks instead (`postings.BlockIndex`).

Layout: the arrays one after another, then a marshal'd {field: {term: (offset, count)}}, then that
table's offset as a little-endian uint64.
"""

from __future__ import annotations

import marshal
import struct
from array import array
from collections.abc import Iterable
from itertools import chain, repeat
from operator import lshift, or_, rshift
from typing import Any

from indexer.whoosh_engine.schema import little_endian, unpack_positions

EXT = ".pkeys"
KEY_SHIFT = 32  # a position key: docnum << KEY_SHIFT | position
MIN_DOCS = 1000  # terms in fewer documents are cheap to decode from their few posting blocks
_FOOTER = struct.Struct("<Q")


def keys_of(ids: Iterable[int], counts: Iterable[int], positions: Iterable[int]) -> array:
    """Keys of postings, in C: each document's id repeated for its count of positions, OR its positions."""
    docs = chain.from_iterable(map(repeat, map(lshift, ids, repeat(KEY_SHIFT)), counts))
    return array("Q", map(or_, docs, positions))


def block_keys(ids: Iterable[int], values: list[bytes]) -> array:
    """Keys of postings whose values are PackedPositions (4 bytes a position)."""
    return keys_of(ids, map(rshift, map(len, values), repeat(2)), unpack_positions(b"".join(values)))


class KeysWriter:
    """Collects the keys of a segment's common terms while the writer flushes it; one file at the end."""

    def __init__(self, segment: Any, storage: Any, fields: set[str]) -> None:
        self.segment, self.storage, self.fields = segment, storage, fields
        self.file: Any = None
        self.offset = 0
        self.table: dict[str, dict[bytes, tuple[int, int]]] = {}

    def add(self, fieldname: str, text: bytes, docs: Any, values: list[bytes]) -> None:
        if fieldname not in self.fields or len(docs) < MIN_DOCS:
            return
        keys = little_endian(block_keys(docs, values))
        if self.file is None:
            self.file = self.segment.create_file(self.storage, EXT)
        self.file.write(keys.tobytes())
        self.table.setdefault(fieldname, {})[text] = (self.offset, len(keys))
        self.offset += 8 * len(keys)

    def close(self) -> None:
        if self.file is None:
            return
        self.file.write(marshal.dumps(self.table))
        self.file.write(_FOOTER.pack(self.offset))
        self.file.close()


class KeysReader:
    """A segment's keys file, if it has one: its table read once, each term's keys on request."""

    def __init__(self, leaf: Any) -> None:
        self.leaf = leaf
        self.name = ""
        self.table: dict[str, dict[bytes, tuple[int, int]]] = {}
        try:
            storage, segment = leaf.storage(), leaf.segment()
            name = segment.make_filename(EXT)
            if not storage.file_exists(name):
                return
            with storage.open_file(name) as f:
                size = storage.file_length(name)
                f.seek(size - _FOOTER.size)
                (start,) = _FOOTER.unpack(f.read(_FOOTER.size))
                f.seek(start)
                self.table = marshal.loads(f.read(size - _FOOTER.size - start))
            self.name = name
        except (AttributeError, OSError, ValueError, TypeError, EOFError, struct.error):
            self.table = {}  # unreadable: the posting blocks still hold every position

    def __contains__(self, key: tuple[str, str]) -> bool:
        field, text = key
        return text.encode("utf-8") in self.table.get(field, {})

    def keys(self, field: str, text: str) -> array:
        offset, count = self.table[field][text.encode("utf-8")]
        with self.leaf.storage().open_file(self.name) as f:
            f.seek(offset)
            out = array("Q")
            out.frombytes(f.read(8 * count))
        return little_endian(out)
