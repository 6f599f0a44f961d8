"""Start-up check that the installed Whoosh still behaves as the engine expects (docs/internals.md).

The writer reaches into Whoosh's SegmentWriter and W3 codec, and the reader into its posting matchers,
per-document reader and BM25F, because their public paths cost a Python call per posting (see
writer/segwriter.py and reader/). A Whoosh whose internals moved could write indexes its own reader
misreads, or rank differently, without any error. So, once per process, before any index is touched:

1. presence: every Whoosh class attribute and module name used with no fallback exists (microseconds);
2. behaviour: a tiny index of four articles in two commits (a second segment, a deletion, a compound
   segment, postings in several blocks) is written by the real write path, FastSegmentWriter and
   build.commit_segments, and beside it by stock Whoosh's SegmentWriter; then
   - the writer: Whoosh's public reader reads the same terms, term infos, postings, positions, field
     lengths, stored fields and columns from both, and each segment's word table (`worddf`) its words;
   - the reader: `posting_blocks` and `BlockIndex`'s position keys equal Whoosh's public matchers',
     field length bytes and deletion sets equal what Whoosh's public methods say, and bitset matching
     and BM25F ranking (`matching`, `ranking`) equal Whoosh's own searcher on a term, a phrase and a
     query as `queries.build_query` makes it.

Any difference raises WhooshChangedError naming it. Reader internals have a fallback to Whoosh's public
API (`posting_blocks`, `BlockIndex.generic`, `ranking._length_bytes`, `matching._deleted_docs`, and no
per-segment caching without a segment id): when the fallback is in use and its answers are right, the
check only logs that searching is on the slower path. The writer, `BM25F._field_B` and the module
names have no fallback.
"""

from __future__ import annotations

import importlib
import logging
import math
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable
from functools import lru_cache
from itertools import chain
from pathlib import Path
from typing import Any, TypeVar

from indexer.errors import IndexerError

log = logging.getLogger(__name__)

PINNED = "2.7.4"
T = TypeVar("T")

# (module, class or None for the module, names): Whoosh 2.7.4 attributes the engine calls, overrides or
# reads with no fallback. Instance attributes are checked on real objects in the behaviour step.
REQUIRED: tuple[tuple[str, str | None, tuple[str, ...]], ...] = (
    ("whoosh.writing", "SegmentWriter", ("_merge_segments", "_finalize_segment", "_close_segment", "_commit_toc",
                                         "_finish", "_flush_segment", "_check_state", "per_document_reader",
                                         "add_reader")),
    ("whoosh.writing", "PostingPool", ("_new_run", "_open_run", "_remove_run", "cleanup")),
    ("whoosh.codec.whoosh3", None, ("_lenfield", "LENGTHS_COLUMN", "W3TermInfo", "WHOOSH3_HEADER_MAGIC", "W3Codec")),
    ("whoosh.codec.whoosh3", "W3TermInfo", ("_struct",)),
    ("whoosh.index", "FileIndex", ("_segments",)),
    ("whoosh.reading", None, ("SegmentReader",)),
    ("whoosh.matching.wrappers", None, ("FilterMatcher",)),
    ("whoosh.query", "Or", ("DEFAULT_MATCHER", "matcher_type")),
    ("whoosh.system", None, ("pack_int", "pack_long", "pack_ushort")),
    ("whoosh.util.numeric", None, ("byte_to_length", "length_to_byte")),
)
# SegmentWriter's keyword arguments: writer/ passes them, and Whoosh's **kwargs would swallow a renamed one
# (without _lk a worker would wait for the write lock its parent holds)
WRITER_ARGUMENTS = ("_lk", "limitmb", "compound", "codec")
# instance attributes set in the constructors of Whoosh's objects, read or set by writer/segwriter.py
# and writer/build.py
WRITER_FIELDS = ("_added", "_tempstorage", "newsegment", "perdocwriter", "fieldwriter", "codec", "docnum", "pool")
FIELDWRITER_FIELDS = ("_codec", "_postfile", "_fieldid", "_tindex")
CODEC_FIELDS = ("_blocklimit", "_compression")
POOL_FIELDS = ("fieldnames", "currentsize", "limit", "runs")

# Four articles: names, numbers, codes, both tone conventions, a title-only term (2018), and a body of repeated
# words, long enough that its blocks are compressed (segwriter.COMPRESS_FROM) with positions past 255.
ARTICLES = (
    ("Hội nghị tổng kết năm 2018", "Sáng 18/01/2019, Trung tâm Khuyến công tổ chức Hội nghị tổng kết.",
     "hội_nghị tổng_kết trung_tâm khuyến_công"),
    ("Quyết định số 12/2019/QĐ-UBND", "UBND tỉnh Quảng Nam ban hành quyết định hòa giải; hoà giải ở hội nghị.",
     "quảng_nam ban_hành quyết_định hòa_giải hội_nghị"),
    ("Thông báo", " ".join(["Hội nghị tổng kết công tác"] * 60), "hội_nghị tổng_kết công_tác"),
    ("Hội nghị sơ kết", "Tổng kết công tác hội nghị năm 2019 của Phòng HC-TH.", "hội_nghị sơ_kết tổng_kết công_tác"),
)
BLOCK_LIMIT = 2  # postings per block: a term in three documents spans two blocks, as common terms do


class WhooshChangedError(IndexerError):
    """The installed Whoosh is not the one the engine was written for."""


def _installed() -> str:
    try:
        import whoosh

        return str(whoosh.versionstring())
    except (ImportError, AttributeError):
        return "unknown"


def _changed(what: str) -> WhooshChangedError:
    return WhooshChangedError(
        f"Whoosh self-check failed: {what}. tracuu's index reaches into Whoosh's internals (docs/internals.md) "
        f"and was written for Whoosh {PINNED} (installed: {_installed()}). "
        f"Install the pinned version: pip install 'Whoosh=={PINNED}'.")


def _missing(target: object, names: Iterable[str], where: str) -> list[str]:
    return [f"{where}.{name}" for name in names if not hasattr(target, name)]


def check_presence() -> None:
    """Step 1: the names in REQUIRED exist (and BM25F's per-field B table, set in its constructor)."""
    missing: list[str] = []
    for module_name, class_name, names in REQUIRED:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            missing.append(module_name)
            continue
        target: object = module
        where = module_name
        if class_name is not None:
            where = f"{module_name}.{class_name}"
            if not hasattr(module, class_name):
                missing.append(where)
                continue
            target = getattr(module, class_name)
        missing += _missing(target, names, where)
    if not missing:
        import inspect

        from whoosh.codec.whoosh3 import W3Codec
        from whoosh.scoring import BM25F
        from whoosh.writing import SegmentWriter

        parameters = inspect.signature(SegmentWriter.__init__).parameters
        missing += [f"whoosh.writing.SegmentWriter({name}=)" for name in WRITER_ARGUMENTS if name not in parameters]

        missing += _missing(BM25F(), ("_field_B",), "whoosh.scoring.BM25F()")
        missing += _missing(W3Codec(), CODEC_FIELDS, "whoosh.codec.whoosh3.W3Codec()")
    if missing:
        raise _changed(f"missing {', '.join(missing)}")


def _step(what: str, run: Callable[[], T]) -> T:
    """Run one part of the check; an exception inside means Whoosh moved under the engine's feet."""
    try:
        return run()
    except WhooshChangedError:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure here is the installed Whoosh's, reported as one
        raise _changed(f"{what} raised {type(exc).__name__}: {exc}") from exc


def _documents() -> list[dict[str, object]]:
    """The check's articles as the indexer's own add_document arguments (words given: no segmentation)."""
    from archive import Article
    from indexer.whoosh_engine.writer.documents import article_tokens, document

    out = []
    for n, (title, body, words) in enumerate(ARTICLES):
        article = Article(id=f"a{n}", title=title, body=body, url=f"http://check.test/{n}",
                          published=f"201{8 + n % 2}-01-1{n}T08:30:00+07:00",
                          department="Phòng HC-TH" if n % 2 else None, site="check")
        out.append(document(article, f"hash{n}", article_tokens(title, body, words)))
    return out


def _build(directory: Path, fast: bool, docs: list[dict[str, object]]) -> Any:
    """Two commits as indexing makes them: three articles uncompounded (as a rebuild), then a compound
    segment that replaces one of them (as an update) and adds the fourth. Returns the index."""
    from whoosh import index as whoosh_index
    from whoosh.codec.whoosh3 import W3Codec
    from whoosh.writing import SegmentWriter

    from indexer.whoosh_engine.writer.build import commit_segments
    from indexer.whoosh_engine.writer.segwriter import FastSegmentWriter

    directory.mkdir()
    ix = whoosh_index.create_in(str(directory), _schema())
    for compound, batch, delete in ((False, docs[:3], None), (True, [docs[1], docs[3]], docs[1]["id"])):
        if fast:
            writer = FastSegmentWriter(ix, codec=W3Codec(blocklimit=BLOCK_LIMIT), compound=compound)
        else:
            writer = SegmentWriter(ix, codec=W3Codec(blocklimit=BLOCK_LIMIT), compound=compound)
            _check_writer_fields(writer)
        if delete is not None:
            writer.delete_by_term("id", delete)
        for doc in batch:
            writer.add_document(**doc)
        if fast:
            commit_segments(writer, [])
        else:
            writer.commit(merge=False)
    return ix


def _schema() -> Any:
    from indexer.whoosh_engine.schema import build_schema

    return build_schema()


def _check_writer_fields(writer: Any) -> None:
    """The constructor-set attributes FastSegmentWriter and commit_segments use, on a stock writer."""
    missing = _missing(writer, WRITER_FIELDS, "SegmentWriter")
    if not missing:
        missing += _missing(writer.fieldwriter, FIELDWRITER_FIELDS, type(writer.fieldwriter).__name__)
        missing += _missing(writer.codec, CODEC_FIELDS, type(writer.codec).__name__)
        missing += _missing(writer.pool, POOL_FIELDS, type(writer.pool).__name__)
    if missing:
        writer.cancel()
        raise _changed(f"missing {', '.join(missing)}")


def _public_postings(m: Any, positions: bool) -> list[tuple[Any, ...]]:
    """A matcher's postings through Whoosh's public Matcher API: (id, weight[, positions])."""
    out = []
    while m.is_active():
        row: tuple[Any, ...] = (m.id(), m.weight())
        if positions:
            row += (list(m.value_as("positions")),)
        out.append(row)
        m.next()
    return out


def _segment_contents(leaf: Any) -> dict[str, Any]:
    """Everything Whoosh's public reader says about one segment, to compare two writers' output."""
    schema = leaf.schema
    out: dict[str, Any] = {"docs": leaf.doc_count_all(), "deleted": [d for d in range(leaf.doc_count_all())
                                                                    if leaf.is_deleted(d)]}
    for field in schema.names():
        fieldobj = schema[field]
        if fieldobj.indexed:
            positional = fieldobj.format.supports("positions")
            for text in leaf.lexicon(field):
                info = leaf.term_info(field, text)
                out[f"{field}:{text!r}:info"] = (info.weight(), info.doc_frequency(), info.min_length(),
                                                 info.max_length(), info.max_weight(), info.min_id(), info.max_id())
                out[f"{field}:{text!r}"] = _public_postings(leaf.postings(field, text), positional)
            if fieldobj.scorable:
                out[f"{field}:lengths"] = [leaf.doc_field_length(d, field) for d in range(leaf.doc_count_all())]
        if fieldobj.column_type and leaf.has_column(field):
            out[f"{field}:column"] = list(leaf.column_reader(field))
    out["stored"] = [leaf.stored_fields(d) for d in range(leaf.doc_count_all())]
    return out


def _compare_writers(fast: Any, stock: Any) -> None:
    """The fast writer's segments read back, through Whoosh's public API, as stock Whoosh's; the small one
    is compound (build.py tells small segments by that attribute, to merge them)."""
    compound = [getattr(segment, "compound", None) for segment in fast._segments()]
    if compound != [False, True]:
        raise _changed(f"the check's segments say compound={compound}, written as [False, True]")
    with fast.reader() as ours, stock.reader() as theirs:
        ours_leaves, their_leaves = [r for r, _o in ours.leaf_readers()], [r for r, _o in theirs.leaf_readers()]
        if len(ours_leaves) != len(their_leaves):
            raise _changed(f"the segment writer left {len(ours_leaves)} segments where Whoosh's left "
                           f"{len(their_leaves)}")
        for n, (a, b) in enumerate(zip(ours_leaves, their_leaves, strict=True)):
            mine, whooshs = _segment_contents(a), _segment_contents(b)
            if mine != whooshs:
                key = next(k for k in sorted(mine.keys() | whooshs.keys()) if mine.get(k) != whooshs.get(k))
                raise _changed(f"segment {n} written by FastSegmentWriter reads back differently from stock "
                               f"Whoosh's: {key} is {mine.get(key)!r}, Whoosh's {whooshs.get(key)!r}")


def _compare_word_tables(ix: Any, docs: list[dict[str, object]]) -> None:
    """Each segment's `.wdf` (written by the flush the writer overrides) holds its documents' words."""
    from indexer.whoosh_engine import worddf
    from indexer.whoosh_engine.writer.segwriter import WORDS

    segments = [docs[:3], [docs[1], docs[3]]]  # a deleted document's words still count (worddf)
    with ix.reader() as reader:
        for n, ((leaf, _offset), segment_docs) in enumerate(zip(reader.leaf_readers(), segments, strict=True)):
            expected = Counter(w for doc in segment_docs for w in set(str(doc[WORDS]).split()))
            found = worddf.WordTable.of(leaf).counts()
            if found != expected:
                raise _changed(f"segment {n}'s word table (worddf, written from the overridden "
                               f"SegmentWriter._flush_segment) holds {dict(found)}, expected {dict(expected)}")


def _check_reader(ix: Any) -> list[str]:
    """What reader/ decodes itself equals Whoosh's public matchers; returns the fallbacks in use."""
    from whoosh.columns import VarBytesColumn
    from whoosh.util.numeric import length_to_byte

    from indexer.whoosh_engine import columns
    from indexer.whoosh_engine.positionkeys import KEY_SHIFT
    from indexer.whoosh_engine.reader import matching, postings, ranking
    from indexer.whoosh_engine.reader.leafdata import LRU, segment_id

    fallbacks: set[str] = set()
    with ix.reader() as reader:
        for n, (leaf, _offset) in enumerate(reader.leaf_readers()):
            if segment_id(leaf) is None:
                fallbacks.add("per-segment caches (no segment id)")
            perdoc = getattr(leaf, "_perdoc", None)
            if not hasattr(perdoc, "deleted_docs"):
                fallbacks.add("deletion sets (matching._deleted_docs)")
            if not hasattr(perdoc, "_cached_reader"):
                fallbacks.add("field lengths (ranking._length_bytes)")
            for field in reader.schema.names():
                kind = reader.schema[field].column_type
                if kind and leaf.has_column(field):
                    if isinstance(kind, VarBytesColumn) and not columns.reads_whole(leaf, field):
                        fallbacks.add("columns (columns.column_values)")
                    whole, theirs = columns.column_values(leaf, field), list(leaf.column_reader(field))
                    if whole != theirs:
                        raise _changed(f"column {field} of segment {n} reads as {whole} in one piece, "
                                       f"{theirs} through Whoosh's column reader")
            deleted = sorted(matching._deleted_docs(leaf)) if leaf.has_deletions() else []
            if deleted != [d for d in range(leaf.doc_count_all()) if leaf.is_deleted(d)]:
                raise _changed(f"segment {n}'s deleted documents read from its per-document reader are {deleted}")
            gone = set(deleted)
            for field in leaf.schema.scorable_names():
                ours = ranking._length_bytes(leaf, field)
                theirs = [length_to_byte(leaf.doc_field_length(d, field, 0) or 0) for d in range(leaf.doc_count_all())]
                if ours != theirs:
                    raise _changed(f"segment {n}'s {field} length bytes read from its length column are {ours}, "
                                   f"Whoosh's doc_field_length gives {theirs}")
            for field in ("title_f", "body_f", "title_s", "body_s", "codes"):
                positional = leaf.schema[field].format.supports("positions")
                for btext in leaf.lexicon(field):
                    text = btext.decode("utf-8") if isinstance(btext, bytes) else btext
                    public = _public_postings(postings.leaf_matcher(leaf, field, text), positional)
                    m = postings.leaf_matcher(leaf, field, text)
                    if not all(hasattr(m, a) for a in postings.W3_BLOCKS):
                        fallbacks.add("posting blocks (postings.posting_blocks)")
                    blocks = list(postings.posting_blocks(m))
                    ids = list(chain.from_iterable(i for i, _w in blocks))
                    weights = list(chain.from_iterable(w for _i, w in blocks))
                    # Whoosh's matcher skips the deleted documents before its first live one, and the reader
                    # masks deleted documents itself: the two agree on the live ones
                    ours = [(i, w) for i, w in zip(ids, weights, strict=True) if i not in gone]
                    if ours != [p[:2] for p in public if p[0] not in gone]:
                        raise _changed(f"posting_blocks reads {field}:{text} in segment {n} as ids {ids}, weights "
                                       f"{weights}; Whoosh's matcher reads {[p[:2] for p in public]}")
                    if positional:
                        index = postings.BlockIndex(leaf, field, text)
                        if index.generic:
                            fallbacks.add("position keys (postings.BlockIndex)")
                        keys = sorted({k for k in chain.from_iterable(k.tolist() for k in index.keys(ids, LRU(1 << 20)))
                                       if k >> KEY_SHIFT not in gone})
                        expected = sorted(d << KEY_SHIFT | p for d, _w, ps in public if d not in gone for p in ps)
                        if keys != expected:
                            raise _changed(f"BlockIndex reads the positions of {field}:{text} in segment {n} as "
                                           f"keys {keys}; Whoosh's matcher gives {expected}")
    return sorted(fallbacks)


def _queries() -> list[tuple[str, Any]]:
    from whoosh import query as Q

    from indexer.engine.query import parse_query
    from indexer.whoosh_engine.reader.queries import build_query

    return [("a term", Q.Term("body_f", "hoi")),
            ("a phrase", Q.Phrase("body_f", ["hoi", "nghi"])),
            ("the query 'hội nghị tổng kết'", build_query(parse_query("hội nghị tổng kết")))]


def _check_search(ix: Any) -> None:
    """Bitset matching and BM25F ranking equal Whoosh's own searcher: same documents, scores and order."""
    from whoosh.scoring import BM25F

    from indexer.whoosh_engine.reader.matching import IndexView, docnums, match_bits
    from indexer.whoosh_engine.reader.ranking import Scorer, compile_query, rank

    with ix.searcher(weighting=BM25F()) as searcher:
        view = IndexView(searcher)
        scorer = Scorer(view)
        for name, query in _queries():
            bits = match_bits(view, query)
            whooshs = sorted(searcher.docs_for_query(query))
            if not whooshs:
                raise _changed(f"Whoosh's searcher finds nothing for {name} in the check's index")
            if docnums(bits) != whooshs:
                raise _changed(f"{name} matches documents {docnums(bits)}, Whoosh's searcher {whooshs}")
            ours = rank(scorer, compile_query(view, query), bits, len(whooshs))
            hits = searcher.search(query, limit=None, terms=False)
            theirs = sorted(((h.score, h.docnum) for h in hits), key=lambda sd: (-sd[0], sd[1]))
            same = len(ours) == len(theirs) and all(
                d == e and math.isclose(s, t, rel_tol=1e-9) for (s, d), (t, e) in zip(ours, theirs, strict=True))
            if not same:
                raise _changed(f"BM25F ranking of {name} gives (score, docnum) {ours}, Whoosh's searcher {theirs}")


@lru_cache(maxsize=1)
def check_whoosh() -> None:
    """Raise WhooshChangedError naming what differs; cached: runs once per process (~0.1 s: writing the two
    tiny indexes, comparing them and searching one, a third each). Logs a warning when the reader runs on
    its public-API fallbacks."""
    check_presence()
    docs = _step("building the check's documents", _documents)
    with tempfile.TemporaryDirectory(prefix="tracuu-whoosh-check-") as tmp:
        stock = _step("writing an index with Whoosh's SegmentWriter", lambda: _build(Path(tmp) / "stock", False, docs))
        fast = _step("writing an index with FastSegmentWriter and commit_segments",
                     lambda: _build(Path(tmp) / "fast", True, docs))
        _step("reading both indexes back", lambda: _compare_writers(fast, stock))
        _step("reading the word tables", lambda: _compare_word_tables(fast, docs))
        fallbacks = _step("reading postings as the reader does", lambda: _check_reader(fast))
        _step("matching and ranking", lambda: _check_search(fast))
    if fallbacks:
        log.warning("Whoosh %s: searching reads %s through Whoosh's public API, which is slower; "
                    "tracuu was written for Whoosh %s", _installed(), ", ".join(fallbacks), PINNED)
