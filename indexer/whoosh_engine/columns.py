"""A segment's stored column read whole: one read of its bytes instead of a seek and a read per document.

Whoosh's column reader for variable-length values (ids, content hashes, facet values) reads each document's
value from the file on its own; at 100 000 documents that is ~0.25 s of every `tracuu index` run (which
compares every id's content hash with the archive's) and of every server start. Read in one piece and cut
in memory, the same column takes ~0.03 s. Any other kind of column is read through Whoosh's public reader.
"""

from __future__ import annotations

from typing import Any

from whoosh.columns import VarBytesColumn


def column_values(leaf: Any, name: str) -> list[Any]:
    """Every document's value of column `name` in one segment reader (`leaf`), by local docnum, deleted
    documents included: what `list(leaf.column_reader(name))` gives."""
    raw = leaf.column_reader(name, translate=False)
    if type(raw) is not VarBytesColumn.Reader:
        return list(leaf.column_reader(name))
    lengths, offsets = raw._lengths, raw._offsets
    data = bytes(raw._dbfile.get(raw._basepos, sum(lengths))) if len(lengths) else b""
    from_bytes = leaf.schema[name].from_column_value
    return [from_bytes(data[offset:offset + length]) for offset, length in zip(offsets, lengths, strict=True)]


def all_column_values(reader: Any, name: str) -> list[Any]:
    """`column_values` over every segment of `reader`, by global docnum."""
    values: list[Any] = []
    for leaf, offset in reader.leaf_readers():
        assert offset == len(values), "segments out of docnum order"
        values.extend(column_values(leaf, name))
    return values
