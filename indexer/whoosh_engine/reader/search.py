"""The Whoosh engine's searching: a request in, a response out (facets, snippets, suggestions).

One `SearchIndex` lives as long as the process (the web app, the CLI): it keeps one searcher open
and picks up a newly committed or swapped-in index on the next query, without a restart. What was read
from the segments a commit left unchanged is kept (`leafdata`), so only the new ones are read.
The query tree built by `queries` is evaluated by `matching` (bitsets: matches, total, facets) and
`ranking` (Whoosh's BM25F scores, top k in two stages), not by Whoosh's matchers, which walk every
match in Python.
"""

from __future__ import annotations

import logging
import threading
from itertools import starmap
from pathlib import Path
from typing import Any

from whoosh import query as Q
from whoosh.scoring import BM25F

from archive import Archive, Article
from indexer.analysis.abbreviations import Abbreviations
from indexer.engine.base import read_archive
from indexer.engine.query import ParsedQuery, parse_query
from indexer.engine.request import FACETS, SearchRequest
from indexer.engine.response import FacetValue, SearchHit, SearchResponse, make_hit, ordered_facets
from indexer.engine.snippets import query_terms
from indexer.engine.suggest import Suggester
from indexer.errors import IndexMissingError
from indexer.whoosh_engine import store
from indexer.whoosh_engine.reader.leafdata import CacheBudget, LeafData, exact_variants, segment_id, word_table
from indexer.whoosh_engine.reader.matching import (
    IndexView,
    Unsupported,
    docnums,
    match_bits,
    set_bits,
)
from indexer.whoosh_engine.reader.queries import build_query, filter_query, on_fields, union
from indexer.whoosh_engine.reader.ranking import Scorer, compile_query, rank
from indexer.whoosh_engine.reader.vocabulary import EXACT_FIELDS, WhooshVocabulary
from indexer.whoosh_engine.schema import build_schema

log = logging.getLogger(__name__)
_CURRENT_FIELDS = frozenset(build_schema().names())  # what today's queries may name


class SearchIndex:
    """A long-lived handle on the current index generation, safe to share between threads.

    Searches run one at a time per instance: Whoosh readers share file handles, and concurrent
    reads of them returned each other's bytes (UnpicklingError, "Block tag error") with 8 clients.
    Searching is pure Python under the GIL, so this costs fairness, not throughput; worker
    processes (gunicorn -w) are what use more cores.
    """

    def __init__(self, index_path: Path, archive_path: Path, *, cache_mb: int | None = None,
                 abbreviations: Abbreviations | None = None) -> None:
        self.index_path = Path(index_path)
        self.abbreviations = abbreviations  # None: the built-in table
        self.archive_path = Path(archive_path)
        self._budget = CacheBudget.of_mb(cache_mb)
        self._lock = threading.Lock()  # guards the generation (searcher, caches)
        self._search_lock = threading.Lock()  # one search at a time (see the class docstring)
        self._local = threading.local()
        self._dir: Path | None = None
        self._searcher: Any = None
        self._leafdata = LeafData(self._budget)  # per-segment data kept across the commits to one index directory
        self._suggester: Suggester | None = None
        self._view: IndexView | None = None
        self._scorer: Scorer | None = None

    # -- index generations -----------------------------------------------------------------
    def _current_searcher(self) -> Any:
        """The searcher for the newest committed index; reopens after a swap, refreshes after a commit."""
        with self._lock:
            directory = store.current_dir(self.index_path)
            if directory is None:
                raise IndexMissingError(f"No index at '{self.index_path}'. Run 'tracuu index' first.")
            if directory != self._dir or self._searcher is None:
                old = self._searcher
                self._searcher = store.open_generation(directory).searcher(weighting=BM25F())
                swapped = directory != self._dir
                if swapped:
                    self._leafdata = LeafData(self._budget)
                self._dir = directory
                self._reset_caches(follows=not swapped)
                if old is not None:
                    old.close()
            elif not self._searcher.up_to_date():
                self._searcher = self._searcher.refresh()
                self._reset_caches(follows=True)
            return self._searcher

    def _reset_caches(self, follows: bool = False) -> None:
        """A new generation's view: what unchanged segments hold comes from `_leafdata`, only new ones are read;
        when it `follows` the last one in the same directory, its scorer takes over the last one's tables."""
        reader = self._searcher.reader()
        self._leafdata.retain({s for leaf, _offset in reader.leaf_readers() if (s := segment_id(leaf))})
        data, leaves = self._leafdata, [leaf for leaf, _offset in reader.leaf_readers()]
        view = self._view = IndexView(self._searcher, self._leafdata, previous=self._view if follows else None)
        self._suggester = Suggester(WhooshVocabulary(
            reader, lambda: [exact_variants(data, leaf, field) for leaf in leaves for field in EXACT_FIELDS],
            lambda: [word_table(data, leaf) for leaf in leaves],
            lambda pair: view.phrase_bits("body_f", list(pair)).bit_count()))
        try:
            self._scorer = Scorer(self._view, previous=self._scorer if follows else None)
        except Unsupported:  # another weighting model: rank with Whoosh's matchers
            self._scorer = None

    def _generation(self) -> tuple[Any, IndexView, Scorer | None]:
        """The searcher and its bitset view and scorer, taken together so a swap cannot split them."""
        self._current_searcher()
        with self._lock:
            assert self._view is not None
            return self._searcher, self._view, self._scorer

    # -- serving from several processes ---------------------------------------------------------
    def warm(self) -> None:
        """Read what every search needs before a server forks its workers, so they share it instead of each
        reading its own copy: the facet columns, dates, lexicon variants and field lengths of every segment.

        Big arrays and integers are single objects whose pages stay shared after fork (copy-on-write); see
        docs/performance.md for what the workers share, measured.
        """
        _searcher, view, scorer = self._generation()
        for name in FACETS:
            if view.is_token_facet(name):
                view.facet_labels(name)  # and the pairs they label
            else:
                view.facet_bits(name)
        view.pubdates()
        view.newest_order()
        for field in ("title_f", "body_f", "att_f"):
            view.variants(field, "")
        if scorer is not None:
            for field in ("title_f", "body_f", "title_s", "body_s", "att_f", "att_s"):
                if field in view.schema:
                    scorer.norms(field)

    def after_fork(self) -> None:
        """In a forked worker: open the index files anew (Whoosh's file objects must not be shared between
        processes, whose reads would move each other's offsets) and keep what `warm` read."""
        with self._lock:
            self._searcher = None
            self._view = None
            self._scorer = None
        self._local = threading.local()

    def _archive(self) -> Archive:
        archive = getattr(self._local, "archive", None)
        if archive is None:
            archive = self._local.archive = read_archive(self.archive_path)
        return archive

    def close(self) -> None:
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None

    # -- searching -------------------------------------------------------------------------
    def search(self, request: SearchRequest) -> SearchResponse:
        """Matching, counting and ranking one at a time (the class docstring says why); the results' archived
        text, snippets and attachment pages outside the lock, so another thread's search overlaps them."""
        with self._search_lock:
            response, rows, parsed = self._search(request)
        if rows:
            articles = self._archive().get_many([stored["id"] for stored, _score in rows])
            terms = query_terms(parsed)
            response.results = [make_hit(stored, score, articles.get(stored["id"]), terms) for stored, score in rows]
        return response

    def _search(self, request: SearchRequest) -> tuple[SearchResponse, list[tuple[dict[str, Any], float]], ParsedQuery]:
        """The response without its results, the page's (stored fields, score) rows, and the query they are for."""
        searcher, view, scorer = self._generation()
        parsed = parse_query(request.q)
        response = SearchResponse(query=request.q, total=0, page=request.page, per_page=request.per_page)
        filt = filter_query(request)
        if parsed.is_empty:
            if request.q.strip():
                response.error = "Truy vấn không có từ nào để tìm (chỉ có dấu câu hoặc ký hiệu)."
            base: Q.Query = Q.Every()
        else:
            base = build_query(parsed, abbreviations=self.abbreviations)
        final = Q.And([base, filt]) if filt is not None else base
        bits = _match(searcher, view, final)
        if not parsed.is_empty and self._suggester is not None:
            response.suggestion = self._suggester.suggest(parsed, total=bits.bit_count())
        if not bits and response.suggestion:
            # the original finds nothing: search the correction instead, and say so
            alt = parse_query(response.suggestion)
            alt_final = Q.And([build_query(alt, abbreviations=self.abbreviations), filt]) if filt is not None \
                else build_query(alt, abbreviations=self.abbreviations)
            alt_bits = _match(searcher, view, alt_final)
            if alt_bits:
                parsed, final, bits = alt, alt_final, alt_bits
                response.notice = (f"Không tìm thấy «{request.q}»; đang hiển thị kết quả cho "
                                   f"«{response.suggestion}».")
        elif bits and response.suggestion:
            # a real-word slip ("trốn thuê"): the original's matches stay, the correction's join them
            final = union(final, parse_query(response.suggestion), filt, self.abbreviations)
            bits = _match(searcher, view, final)
        if not bits and len(parsed.clauses) > 1:
            base = build_query(parsed, match_all=False, abbreviations=self.abbreviations)
            final = Q.And([base, filt]) if filt is not None else base
            bits = _match(searcher, view, final)
            if bits:
                response.notice = "Không có bài nào chứa đủ mọi từ; đây là các bài chứa một phần các từ."
        response.total = bits.bit_count()
        response.facets = self._count_facets(view, bits)
        start = (request.page - 1) * request.per_page
        if start < response.total:
            limit = start + request.per_page
            if request.sort == "newest" or parsed.is_empty:
                top = [(0.0, d) for d in _newest(view, bits, limit)]
            else:
                top = _top(searcher, view, scorer, final, bits, limit)
            rows = [(searcher.stored_fields(d), score) for score, d in top[start:limit]]
            return response, rows, parsed
        return response, [], parsed

    def _count_facets(self, view: IndexView, bits: int) -> dict[str, list[FacetValue]]:
        """Counts per facet value: popcount of the matches AND each value's bitset; the people (~1 000 values a
        search) in one pass over their (document, person) pairs instead, counted and ordered in numpy."""
        counts: dict[str, dict[str, int]] = {}
        tokens: dict[str, list[FacetValue]] = {}
        for name in FACETS:
            if view.is_token_facet(name):
                tokens[name] = list(starmap(FacetValue, view.token_facet_counts(name, bits)))
            else:
                counts[name] = {v: (bits & vbits).bit_count() for v, vbits in view.facet_bits(name).items()}
        ordered = ordered_facets(counts)
        return {name: ordered[name] if name in ordered else tokens[name] for name in FACETS}

    def article(self, article_id: str) -> Article | None:
        """The archived article (for the article page), or None."""
        return self._archive().get(article_id)

    def more_like_this(self, article_id: str, limit: int = 5) -> list[SearchHit]:
        with self._search_lock:
            return self._more_like_this(article_id, limit)

    def _more_like_this(self, article_id: str, limit: int) -> list[SearchHit]:
        """Related articles by the words of this one's title."""
        article = self.article(article_id)
        if article is None or not article.title:
            return []
        searcher, view, scorer = self._generation()
        parsed = parse_query(article.title)
        related = build_query(parsed, match_all=False, abbreviations=self.abbreviations)
        query = Q.AndNot(related, Q.Term("id", article_id))
        top = _top(searcher, view, scorer, query, _match(searcher, view, query), limit)
        return [make_hit(searcher.stored_fields(d), score) for score, d in top]

    def doc_count(self) -> int:
        return self._current_searcher().doc_count()


def _match(searcher: Any, view: IndexView, query: Q.Query) -> int:
    """The matching documents as a bitset; Whoosh's own matching for a node the bitsets do not know."""
    query = _present(view, query)
    try:
        return match_bits(view, query)
    except Unsupported as exc:
        log.debug("matching %r with Whoosh: %s", query, exc)
        return set_bits(searcher.docs_for_query(query), view.n)


def _top(searcher: Any, view: IndexView, scorer: Scorer | None, query: Q.Query, bits: int,
         limit: int) -> list[tuple[float, int]]:
    """The best `limit` (score, docnum) of the matches, Whoosh's BM25F scores and order."""
    query = _present(view, query)
    if scorer is not None and bits:
        try:
            return rank(scorer, compile_query(view, query), bits, limit)
        except Unsupported as exc:
            log.debug("ranking %r with Whoosh: %s", query, exc)
    hits = searcher.search(query, limit=limit, terms=False, filter=set(docnums(bits)))
    return [(h.score, h.docnum) for h in hits]


def _present(view: IndexView, query: Q.Query) -> Q.Query:
    """The query without the fields an older index lacks (see `on_fields`); as it is when it has them all."""
    fields = frozenset(view.schema.names())
    return query if fields >= _CURRENT_FIELDS else on_fields(query, fields)


def _newest(view: IndexView, bits: int, limit: int) -> list[int]:
    """The newest `limit` matches (equal dates: higher docnum first, as Whoosh's reverse sort)."""
    count = bits.bit_count()
    if count * 16 < view.n:  # few matches: sort them
        dates = view.pubdates()
        return sorted(docnums(bits), key=lambda d: (dates[d], d), reverse=True)[:limit]
    raw = bits.to_bytes((view.n >> 3) + 1, "little")
    out = []
    for d in view.newest_order():
        if raw[d >> 3] >> (d & 7) & 1:
            out.append(d)
            if len(out) == limit:
                break
    return out
