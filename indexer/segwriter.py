"""Whoosh's SegmentWriter with field lengths read once per field, not once per posting.

When a segment is flushed, Whoosh looks up the document's field length for every posting it writes
(a seek and a read in a column file each time): a fifth of the writer's CPU on our documents. The
lengths are the same bytes either way; here each field's column is read into a list on first use.
"""

from __future__ import annotations

from typing import Any

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.util.numeric import byte_to_length
from whoosh.writing import SegmentWriter


class _Lengths:
    """Stands in for the per-document reader in FieldWriter.add_postings: only doc_field_length."""

    def __init__(self, reader: Any) -> None:
        self.reader = reader
        self.tables: dict[str, list[int | None] | None] = {}

    def _load(self, fieldname: str) -> list[int | None] | None:
        name = _lenfield(fieldname)
        if not self.reader.has_column(name):
            return None
        column = self.reader.column_reader(name, LENGTHS_COLUMN)
        # as Whoosh's doc_field_length: a zero byte (no length stored) reads as None
        return [byte_to_length(b) if b else None for b in column]

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int | None:
        if fieldname not in self.tables:
            self.tables[fieldname] = self._load(fieldname)
        table = self.tables[fieldname]
        return default if table is None else table[docnum]


class FastSegmentWriter(SegmentWriter):
    """A SegmentWriter whose flush reads field lengths per field; otherwise Whoosh's own."""

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        pdr = self.per_document_reader() if self.codec.length_stats else None
        lengths = _Lengths(pdr) if pdr else None
        self.fieldwriter.add_postings(self.schema, lengths, self.pool.iter_postings())
        self.fieldwriter.close()
        if pdr:
            pdr.close()
