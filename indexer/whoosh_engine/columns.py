"""A segment's stored column read whole: one read of its bytes instead of a seek and a read per document.

Whoosh's column reader for variable-length values (ids, content hashes, facet values) reads each document's
value from the file on its own: at 100 000 documents 0.16–0.28 s a column, for every `tracuu index` run (which
compares every id's content hash with the archive's) and every server start. Read in one piece and cut in
memory: 0.07–0.14 s, mostly decoding. Any other kind of column, or a reader without the attributes used here
(another Whoosh), is read through Whoosh's public reader; the self-check compares the two.
"""

from __future__ import annotations

from typing import Any

from whoosh.columns import VarBytesColumn

_READER_PARTS = ("_lengths", "_offsets", "_dbfile", "_basepos")  # of Whoosh's VarBytesColumn.Reader


def _parts(raw: Any) -> tuple[Any, ...] | None:
    """(lengths, offsets, file, base position) of a column reader (translate=False), when it is Whoosh's
    variable-bytes reader with the attributes this module reads; else None."""
    if type(raw) is not VarBytesColumn.Reader:
        return None
    parts = tuple(getattr(raw, a, None) for a in _READER_PARTS)
    return parts if all(p is not None for p in parts) else None


def column_values(leaf: Any, name: str) -> list[Any]:
    """Every document's value of column `name` in one segment reader (`leaf`), by local docnum, deleted
    documents included: what `list(leaf.column_reader(name))` gives."""
    parts = _parts(leaf.column_reader(name, translate=False))
    if parts is None:
        return list(leaf.column_reader(name))
    lengths, offsets, dbfile, base = parts
    data = bytes(dbfile.get(base, sum(lengths))) if len(lengths) else b""
    from_bytes = leaf.schema[name].from_column_value
    return [from_bytes(data[offset:offset + length]) for offset, length in zip(offsets, lengths, strict=True)]


def reads_whole(leaf: Any, name: str) -> bool:
    """Whether `column_values` reads this column in one piece (False: value by value, through Whoosh)."""
    return _parts(leaf.column_reader(name, translate=False)) is not None


def all_column_values(reader: Any, name: str) -> list[Any]:
    """`column_values` over every segment of `reader`, by global docnum."""
    values: list[Any] = []
    for leaf, offset in reader.leaf_readers():
        assert offset == len(values), "segments out of docnum order"
        values.extend(column_values(leaf, name))
    return values
