"""Whoosh's SegmentWriter, made cheaper where our bulk indexing spends its time; same files out.

Indexing should cost little more than segmentation (issue 5), and Whoosh's writer is pure Python
with a few calls per posting (~700 postings an article). Three changes, each measured:

1. Postings are grouped by term as they arrive (documents come in order, so each term's list is
   already sorted) instead of Whoosh's external sort, which spills sorted runs to disk and merges
   them back with a heap: that alone doubled the writer's CPU on a 2 400-article segment.
   Past the memory limit the pool goes to disk as a run of one record per term (arrays as bytes),
   and runs are merged term by term: memory stays bounded at a cost per term, not per posting.
2. A flush hands each term's postings to Whoosh's posting writer a block at a time, with field
   lengths read once per field; Whoosh checks and appends one posting at a time and reads the
   length column file (a seek and a read) once per posting.
3. add_document gives a field's postings to the pool in one call.

The flush also writes the position keys of the segment's common terms (`positionkeys`).

tests/test_index_writer.py checks that the postings read back equal stock Whoosh's.
"""

from __future__ import annotations

import heapq
import marshal
from array import array
from collections.abc import Iterator
from typing import Any

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.util.numeric import byte_to_length
from whoosh.writing import PostingPool, SegmentWriter

from indexer.positionkeys import KeysWriter
from indexer.schema import PackedPositions

Posting = tuple[str, bytes, int, float, bytes]
Entry = tuple["array[int]", "array[float]", list[bytes]]  # one term: docnums, weights, encoded values


class TermPool(PostingPool):
    """Whoosh's posting pool, keeping postings per (field, term) in arrival order, compactly.

    Per term: document numbers and weights in arrays (Whoosh stores them as uint32 and float32 too)
    and the encoded values in a list, short ones (frequencies) shared: ~35 bytes a posting, terms
    included (Whoosh's pool: ~220).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.terms: dict[tuple[str, bytes], Entry] = {}
        self.unsorted: set[tuple[str, bytes]] = set()  # terms whose documents came out of order
        self._shared: dict[bytes, bytes] = {}

    def add(self, item: Posting) -> None:
        fieldname, text, docnum, weight, value = item
        self.add_field(fieldname, docnum, [(text, 0, weight, value)])

    def add_field(self, fieldname: str, docnum: int, items: Any) -> None:
        """One document's postings in one field: (text, freq, weight, value) tuples, freq unused."""
        terms, shared = self.terms, self._shared
        size = 0
        for text, _freq, weight, value in items:
            key = (fieldname, text)
            entry = terms.get(key)
            if entry is None:
                entry = terms[key] = (array("I"), array("f"), [])
                size += 240 + len(text)  # key, arrays, list and dict slot: the sizes here match RSS growth
            elif entry[0][-1] > docnum:
                self.unsorted.add(key)
            entry[0].append(docnum)
            entry[1].append(weight)
            if value is None or len(value) <= 4:
                value = shared.setdefault(value, value)
                size += 12
            else:
                size += 36 + len(value)
            entry[2].append(value)
        self.fieldnames.add(fieldname)
        self.currentsize += size
        if self.currentsize > self.limit:
            self._spill()

    def _spill(self) -> None:
        """Over the memory limit: write every term's postings, in term order, as one run on disk.

        A run holds one record per term (its arrays as bytes), so writing and merging runs costs
        per term, not per posting as Whoosh's sorted runs of posting tuples do.
        """
        path, f = self._new_run()
        try:
            for key, (docs, weights, values) in self._sorted_terms():
                marshal.dump((*key, docs.tobytes(), weights.tobytes(), values), f)
        finally:
            f.close()
        self.runs.append(path)
        self.currentsize = 0

    def _sorted_terms(self) -> Iterator[tuple[tuple[str, bytes], Entry]]:
        """The pool's terms in order, each removed from memory as it is handed out."""
        for key in sorted(self.terms):
            entry = self.terms.pop(key)
            yield key, (_by_docnum(entry) if key in self.unsorted else entry)
        self.unsorted = set()

    def _read_run(self, path: str) -> Iterator[tuple[Any, ...]]:
        f = self._open_run(path)
        try:
            while True:
                try:
                    yield marshal.load(f)
                except EOFError:
                    return
        finally:
            f.close()
            self._remove_run(path)

    def iter_postings(self) -> Any:
        """Whoosh's interface: every posting in (field, term, docnum) order."""
        return ((f, t, *p) for (f, t), entry in self.grouped() for p in zip(*entry, strict=True))

    def grouped(self) -> Iterator[tuple[tuple[str, bytes], Entry]]:
        """((field, term), (docnums, weights, values)) in order, from memory and the runs on disk.

        Runs are written in document order, so a term's postings are its runs' postings one after
        the other (sorted again only if documents arrived out of order).
        """
        if not self.runs:
            yield from self._sorted_terms()
            return
        if self.terms:
            self._spill()
        runs, self.runs = self.runs, []
        streams = [((r[0], r[1], i, r) for r in self._read_run(path)) for i, path in enumerate(runs)]
        key: tuple[str, bytes] | None = None
        docs, weights, values = array("I"), array("f"), []
        ordered = True
        for fieldname, text, _run, record in heapq.merge(*streams):
            if (fieldname, text) != key:
                if key is not None:
                    yield key, (docs, weights, values) if ordered else _by_docnum((docs, weights, values))
                key, docs, weights, values, ordered = (fieldname, text), array("I"), array("f"), [], True
            first = len(docs)
            docs.frombytes(record[2])
            weights.frombytes(record[3])
            values.extend(record[4])
            if first and docs[first] < docs[first - 1]:
                ordered = False
        if key is not None:
            yield key, (docs, weights, values) if ordered else _by_docnum((docs, weights, values))


def _by_docnum(entry: Entry) -> Entry:
    docs, weights, values = entry
    order = sorted(range(len(docs)), key=docs.__getitem__)
    return array("I", [docs[i] for i in order]), array("f", [weights[i] for i in order]), [values[i] for i in order]


class _Lengths:
    """Field lengths of the segment's documents, one list per field, read on first use (Whoosh reads the
    column once per posting)."""

    def __init__(self, reader: Any) -> None:
        self.reader = reader
        self.tables: dict[str, list[int | None] | None] = {}

    def table(self, fieldname: str) -> list[int | None] | None:
        if fieldname not in self.tables:
            name = _lenfield(fieldname)
            if not self.reader.has_column(name):
                self.tables[fieldname] = None
            else:
                column = self.reader.column_reader(name, LENGTHS_COLUMN)
                # as Whoosh's doc_field_length: a zero byte (no length stored) reads as None
                self.tables[fieldname] = [byte_to_length(b) if b else None for b in column]
        return self.tables[fieldname]


def _add_term(postwriter: Any, docs: array[int], weights: array[float], values: list[bytes],
              lengths: list[int | None] | None) -> None:
    """What W3PostingsWriter.add_posting does for each posting, a block at a time."""
    limit = postwriter._blocklimit
    start, n = 0, len(docs)
    while start < n:
        if len(postwriter._ids) >= limit:
            postwriter._write_block()
        end = min(n, start + limit - len(postwriter._ids))
        ids = docs[start:end]
        block_weights = weights[start:end]
        postwriter._ids.extend(ids)
        postwriter._weights.extend(block_weights)
        postwriter._maxweight = max(postwriter._maxweight, max(block_weights))
        postwriter._values.extend([v for v in values[start:end] if v])
        if lengths is not None:
            known = [length for length in map(lengths.__getitem__, ids) if length]
            if known:
                low = min(known)
                if postwriter._minlength is None or low < postwriter._minlength:
                    postwriter._minlength = low
                postwriter._maxlength = max(postwriter._maxlength, max(known))
        start = end


class FastSegmentWriter(SegmentWriter):
    """A SegmentWriter with the term pool and block-wise flush above; otherwise Whoosh's own."""

    def __init__(self, ix: Any, **kwargs: Any) -> None:
        limitmb = kwargs.get("limitmb", 128)
        super().__init__(ix, **kwargs)
        self.pool = TermPool(self._tempstorage, self.newsegment, limitmb=limitmb)

    def add_document(self, **fields: Any) -> None:
        """Whoosh's add_document for schemas without vectors or spelling fields (ours), else Whoosh's."""
        schema = self.schema
        names = sorted(name for name in fields if not name.startswith("_"))
        if "_boost" in fields or any(name not in schema or schema[name].vector or schema[name].separate_spelling()
                                     or f"_{name}_boost" in fields or f"_stored_{name}" in fields
                                     for name in names):
            super().add_document(**fields)
            return
        self._check_state()
        perdocwriter = self.perdocwriter
        docnum = self.docnum
        perdocwriter.start_doc(docnum)
        for name in names:
            value = fields[name]
            if value is None:
                continue
            field = schema[name]
            length = 0
            if field.indexed:
                items = list(field.index(value))
                if field.scorable:
                    length = sum(item[1] for item in items)
                self.pool.add_field(name, docnum, items)
            perdocwriter.add_field(name, field, value if field.stored else None, length)
            if field.column_type:
                perdocwriter.add_column_value(name, field.column_type, field.to_column_value(value))
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        pdr = self.per_document_reader() if self.codec.length_stats else None
        lengths = _Lengths(pdr) if pdr else None
        self._write_grouped(lengths)
        self.fieldwriter.close()
        if pdr:
            pdr.close()

    def _write_grouped(self, lengths: _Lengths | None) -> None:
        """FieldWriter.add_postings over the grouped pool: per term, not per posting."""
        fw = self.fieldwriter
        current = None
        table = None
        positional = {name for name, field in self.schema.items() if isinstance(field.format, PackedPositions)}
        keys = KeysWriter(self.newsegment, self.storage, positional)
        for (fieldname, text), (docs, weights, values) in self.pool.grouped():
            if fieldname != current:
                if current is not None:
                    fw.finish_field()
                fw.start_field(fieldname, self.schema[fieldname])
                current = fieldname
                table = lengths.table(fieldname) if lengths else None
            fw.start_term(text)
            _add_term(fw._postwriter, docs, weights, values, table)
            fw.finish_term()
            keys.add(fieldname, text, docs, values)
        if current is not None:
            fw.finish_field()
        keys.close()
