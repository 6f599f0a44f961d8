"""Whoosh's SegmentWriter, made cheaper where our bulk indexing spends its time; same files out.

Indexing should cost little more than segmentation (within 1.3× of it: bench/index_speed.py), and
Whoosh's writer is pure Python with a few calls per posting (~700 postings an article). Three changes, each measured:

1. Postings are grouped by term as they arrive (documents come in order, so each term's list is
   already sorted) instead of Whoosh's external sort, which spills sorted runs to disk and merges
   them back with a heap: that alone doubled the writer's CPU on a 2 400-article segment.
   Past the memory limit the pool goes to disk as a run of one record per term (arrays as bytes),
   and runs are merged term by term: memory stays bounded at a cost per term, not per posting.
2. A flush writes each term's posting blocks, term info and table row itself, as Whoosh's W3
   posting writer would (`_write_term`), with field lengths read once per field; Whoosh checks and
   appends one posting at a time, reads the length column file (a seek and a read) once per
   posting, and costs ~35 µs per term in calls (a 1 500-article segment has ~30 000 terms).
3. add_document gives a TokenField's tokens to the pool, which inverts them in C-level loops, with no
   Python step per posting (`TermPool.add_tokens`).

The flush also writes the position keys of the segment's common terms (`positionkeys`) and the
segment's word counts (`worddf`).

tests/test_index_writer.py checks that the postings read back equal stock Whoosh's.
"""

from __future__ import annotations

import heapq
import marshal
import struct
import zlib
from array import array
from collections import Counter, defaultdict, deque
from collections.abc import Iterator
from functools import lru_cache, partial
from itertools import chain, repeat
from operator import and_, mul, or_, rshift, sub
from pickle import dumps
from typing import Any

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, WHOOSH3_HEADER_MAGIC, W3TermInfo, _lenfield
from whoosh.system import pack_int, pack_long, pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import PostingPool, SegmentWriter

from indexer.whoosh_engine import worddf
from indexer.whoosh_engine.positionkeys import KeysWriter
from indexer.whoosh_engine.schema import PackedPositions, TokenField

WORDS = "_words"  # add_document's argument for a document's segmented words (counted, not indexed)
Posting = tuple[str, bytes, int, float, bytes]
Entry = tuple["array[int]", "array[float]", list[bytes]]  # one term: docnums, weights, encoded values


_RECORD_SIZE = struct.Struct("<Q")  # before each record of a run on disk
_DOC_SHIFT = 32  # add_tokens keeps a posting as docnum << 32 | frequency
_FREQUENCY = (1 << _DOC_SHIFT) - 1
_consume = deque(maxlen=0).extend  # runs an iterator (of C-level calls) to its end


class _TokenPostings:
    """One TokenField's postings as add_tokens collects them: per token, an array of docnum << 32 |
    frequency and, for a positional field, a list of encoded positions."""

    def __init__(self, field: TokenField) -> None:
        self.boost = field.format.field_boost
        self.counts: defaultdict[str, array[int]] = defaultdict(partial(array, "Q"))
        self.values: defaultdict[str, list[bytes]] | None = defaultdict(list) if field.positional else None
        self.encode = field.format.encode_many if field.positional else None

    def entries(self) -> Iterator[tuple[str, Entry]]:
        """Each token's (docnums, weights, values), as TermPool keeps terms: weight = frequency × boost."""
        values = self.values
        for token, packed in self.counts.items():
            docs = array("I", map(rshift, packed, repeat(_DOC_SHIFT)))
            frequencies = map(and_, packed, repeat(_FREQUENCY))
            weights = array("f", frequencies if self.boost == 1 else map(mul, frequencies, repeat(self.boost)))
            yield token, (docs, weights, values[token] if values is not None else [b""] * len(docs))


class TermPool(PostingPool):
    """Whoosh's posting pool, keeping postings per (field, term) in arrival order, compactly.

    Per term: document numbers and weights in arrays (Whoosh stores them as uint32 and float32 too)
    and the encoded values in a list, short ones (frequencies) shared: ~35 bytes a posting, terms
    included (Whoosh's pool: ~220). add_tokens' postings wait apart until a spill or the flush, in
    one array per term (~12 bytes a posting without positions).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.terms: dict[tuple[str, bytes], Entry] = {}
        self.unsorted: set[tuple[str, bytes]] = set()  # terms whose documents came out of order
        self._shared: dict[bytes, bytes] = {}
        self.tokens: dict[str, _TokenPostings] = {}  # add_tokens' postings, per field

    def add(self, item: Posting) -> None:
        fieldname, text, docnum, weight, value = item
        self.add_field(fieldname, docnum, [(text, 0, weight, value)])

    def add_tokens(self, fieldname: str, docnum: int, field: TokenField, tokens: list[str]) -> None:
        """One document's postings in a TokenField, from its tokens: what field.index() gives add_field,
        inverted in C-level loops (map over dict lookups and appends), with no Python step per posting.
        Documents must come in docnum order (the writer's own documents do).
        """
        postings = self.tokens.get(fieldname)
        if postings is None:
            postings = self.tokens[fieldname] = _TokenPostings(field)
        counts = postings.counts
        known = len(counts)
        found = field.occurrences(tokens)  # token → count, or → positions
        frequencies = found.values() if postings.values is None else map(len, found.values())
        _consume(map(array.append, map(counts.__getitem__, found), map(or_, repeat(docnum << _DOC_SHIFT), frequencies)))
        if postings.values is None:
            size = 12 * len(found)
        else:
            _consume(map(list.append, map(postings.values.__getitem__, found), postings.encode(found.values())))
            size = 48 * len(found) + 4 * len(tokens)
        self.fieldnames.add(fieldname)
        self.currentsize += size + 250 * (len(counts) - known)
        if self.currentsize > self.limit:
            self._spill()

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
                record = marshal.dumps((*key, docs.tobytes(), weights.tobytes(), values))
                f.write(_RECORD_SIZE.pack(len(record)))
                f.write(record)
        finally:
            f.close()
        self.runs.append(path)
        self.currentsize = 0

    def _sorted_terms(self) -> Iterator[tuple[tuple[str, bytes], Entry]]:
        """The pool's terms in order, each removed from memory as it is handed out."""
        self._join_tokens()
        for key in sorted(self.terms):
            entry = self.terms.pop(key)
            yield key, (_by_docnum(entry) if key in self.unsorted else entry)
        self.unsorted = set()

    def _join_tokens(self) -> None:
        """add_tokens' postings join add_field's, keyed as Whoosh keys terms: (field, UTF-8 bytes), which sort
        alike (UTF-8 keeps code point order); encoded once per term rather than once per posting."""
        terms = self.terms
        for fieldname, postings in self.tokens.items():
            for token, entry in postings.entries():
                key = (fieldname, token.encode("utf-8"))
                have = terms.get(key)
                if have is None:
                    terms[key] = entry
                else:  # the same term from add_field (a merged segment): one list, sorted when handed out
                    have[0].extend(entry[0])
                    have[1].extend(entry[1])
                    have[2].extend(entry[2])
                    self.unsorted.add(key)
        self.tokens = {}

    def _read_run(self, path: str) -> Iterator[tuple[Any, ...]]:
        """A run's records, each read whole and then unmarshalled (marshal.load on a file reads it in
        small pieces, a Python call each: ~20 µs a record)."""
        f = self._open_run(path)
        try:
            while size := f.read(_RECORD_SIZE.size):
                yield marshal.loads(f.read(_RECORD_SIZE.unpack(size)[0]))
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
        if self.terms or self.tokens:
            self._spill()
        runs, self.runs = self.runs, []
        streams = [_keyed(self._read_run(path), i) for i, path in enumerate(runs)]
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


def _keyed(records: Iterator[tuple[Any, ...]], run: int) -> Iterator[tuple[Any, ...]]:
    """A run's records as heapq.merge compares them: by term, then by run (so by document)."""
    for record in records:
        yield record[0], record[1], run, record


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


_length_byte = lru_cache(maxsize=None)(length_to_byte)  # Whoosh bisects; lengths read back take 256 values
_TERM_INFO = W3TermInfo._struct  # inlined?, weight, documents, min and max length bytes, max weight, ids
# Whoosh pickles blocks with protocol 2, which writes each bytes value (a posting's packed positions) as
# a call to _codecs.encode of a latin-1 str: ~8x the time to write and to read, and twice the size
# before compression. Protocol 3 stores bytes as bytes; Whoosh reads any protocol (pickle.loads).
_PROTOCOL = 3
COMPRESS_FROM = 256  # a block's pickle shorter than this is stored as is: zlib gains a few bytes on it at ~10 µs


def _write_term(fw: Any, btext: bytes, docs: array[int], weights: array[float], values: list[bytes],
                lengths: list[int | None] | None, fixed_size: int | None) -> None:
    """One term's postings as W3FieldWriter's start_term/add/finish_term write them, a block at a time.

    Same block contents, term info and table row (readers cannot tell), at a fraction of the per-term
    cost: ~30 000 terms a 1 500-article segment, most with one or two postings. Two differences, within
    the format: a short block is not compressed (its header says so, as Whoosh meant to do below 20
    bytes), and blocks are pickled with protocol 3 (`_PROTOCOL`).
    """
    codec, postfile = fw._codec, fw._postfile
    limit, level = codec._blocklimit, codec._compression
    parts = [WHOOSH3_HEADER_MAGIC]  # the term's postings, written in one call
    n = len(docs)
    minlength, maxlength, total, maxweight = None, 0, 0.0, 0.0
    for s in range(0, n, limit):
        e = min(n, s + limit)
        ids, ws = docs[s:e], weights[s:e]
        bmax = max(ws)
        bmin, blen = None, 0
        if lengths is not None:
            known = list(filter(None, map(lengths.__getitem__, ids)))  # None: no length stored
            if known:
                bmin, blen = min(known), max(known)
        if fixed_size == 0:
            mini_values: Any = None
        elif fixed_size is None:
            mini_values = tuple(filter(None, values[s:e]))
        else:
            mini_values = b"".join(filter(None, values[s:e]))
        count = len(ids)
        mini_weights: Any = (None if ws.count(1.0) == count else ws[0] if ws.count(ws[0]) == count else tuple(ws))
        data = dumps((tuple(map(sub, ids, chain((0,), ids))), mini_weights, mini_values), _PROTOCOL)
        comp = level if len(data) >= COMPRESS_FROM else 0
        if comp:
            data = zlib.compress(data, comp)
        head = dumps((count, ids[-1], bmax, comp, _length_byte(bmin), _length_byte(blen)), 2)
        parts += (pack_int(-(len(head) + len(data)) if e == n else len(head) + len(data)), head, data)
        total += sum(ws)
        maxweight = max(maxweight, bmax)
        maxlength = max(maxlength, blen)
        if minlength is None or (bmin is not None and bmin < minlength):
            minlength = bmin
    postings = b"".join(parts)
    # W3TermInfo.to_bytes of these statistics, without the object: not inlined, then the extent
    info = _TERM_INFO.pack(0, total, n, 0 if minlength is None else _length_byte(minlength),
                           _length_byte(maxlength), maxweight, docs[0], docs[-1])
    info += pack_long(postfile.tell()) + pack_int(len(postings))
    postfile.write(postings)
    fw._tindex.add(pack_ushort(fw._fieldid) + btext, info)


class FastSegmentWriter(SegmentWriter):
    """A SegmentWriter with the term pool and block-wise flush above; otherwise Whoosh's own."""

    def __init__(self, ix: Any, **kwargs: Any) -> None:
        limitmb = kwargs.get("limitmb", 128)
        super().__init__(ix, **kwargs)
        self.pool = TermPool(self._tempstorage, self.newsegment, limitmb=limitmb)
        self.word_counts: Counter[str] = Counter()  # documents per segmented word (`worddf`)
        self._names: dict[tuple[str, ...], list[str]] = {}  # add_document's fields, per set of arguments

    def add_document(self, **fields: Any) -> None:
        """Whoosh's add_document for schemas without vectors or spelling fields (ours), else Whoosh's.

        `_words` (space-separated segmented words, which Whoosh ignores as it starts with "_") is counted
        into the segment's word table.
        """
        words = fields.get(WORDS)
        if words:
            self.word_counts.update(set(words.split()))
        schema = self.schema
        layout = tuple(fields)  # documents built alike name the same fields in the same order
        names = self._names.get(layout)
        if names is None:
            names = self._names[layout] = self._fast_names(fields)
        if not names:
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
            if type(field) is TokenField and isinstance(value, str):
                tokens = value.split()
                length = len(tokens)
                self.pool.add_tokens(name, docnum, field, tokens)
            elif field.indexed:
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

    def _fast_names(self, fields: dict[str, Any]) -> list[str]:
        """The fields add_document writes itself, in Whoosh's order; empty when Whoosh's own path is needed
        (a boost, an unknown field, vectors or spelling)."""
        schema = self.schema
        names = sorted(name for name in fields if not name.startswith("_"))
        if "_boost" in fields or any(name not in schema or schema[name].vector or schema[name].separate_spelling()
                                     or f"_{name}_boost" in fields or f"_stored_{name}" in fields
                                     for name in names):
            return []
        return names

    def add_reader(self, reader: Any) -> None:
        """Whoosh's merge of a segment's documents, and its word table's counts."""
        super().add_reader(reader)
        for leaf, _offset in reader.leaf_readers():
            self.word_counts.update(worddf.WordTable.of(leaf).counts())

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        pdr = self.per_document_reader() if self.codec.length_stats else None
        lengths = _Lengths(pdr) if pdr else None
        self._write_grouped(lengths)
        self.fieldwriter.close()
        worddf.write(self.newsegment, self.storage, self.word_counts)
        if pdr:
            pdr.close()

    def _write_grouped(self, lengths: _Lengths | None) -> None:
        """FieldWriter.add_postings over the grouped pool: per term, not per posting."""
        fw = self.fieldwriter
        current = None
        table = None
        fixed_size = None
        positional = {name for name, field in self.schema.items() if isinstance(field.format, PackedPositions)}
        keys = KeysWriter(self.newsegment, self.storage, positional)
        for (fieldname, text), (docs, weights, values) in self.pool.grouped():
            if fieldname != current:
                if current is not None:
                    fw.finish_field()
                fw.start_field(fieldname, self.schema[fieldname])
                current = fieldname
                table = lengths.table(fieldname) if lengths else None
                fixed_size = self.schema[fieldname].format.fixed_value_size()
            _write_term(fw, text, docs, weights, values, table, fixed_size)
            keys.add(fieldname, text, docs, values)
        if current is not None:
            fw.finish_field()
        keys.close()
