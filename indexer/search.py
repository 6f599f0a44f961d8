"""Searching the index: requests, Whoosh queries, facets, snippets and suggestions.

One `SearchIndex` lives as long as the process (the web app, the CLI): it keeps one searcher open
and picks up a newly committed or swapped-in index on the next query, without a restart.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from whoosh import query as Q
from whoosh.scoring import BM25F

from crawl.archive import Archive
from indexer import store
from indexer.analysis import codes, fold, has_marks, stopwords
from indexer.query import Clause, ParsedQuery, parse_query
from indexer.schema import FACETS
from indexer.snippets import make_snippet, mark_text
from indexer.suggest import Suggester

log = logging.getLogger(__name__)

MAX_PER_PAGE = 100
MAX_PAGE = 1000
MAX_CLAUSES = 32
# Ranking weights, tuned on bench/relevance.py (`--tune` prints the grid tried). Each is a query-time
# multiplier on a BM25F score, so they add up linearly rather than saturating like field_boost.
TITLE_BOOST = 2.5   # a query syllable found in the title over one found in the body
EXACT_BOOST = 0.6   # an exact-diacritic syllable over a folded-only one ("hồ" over "hổ")
WORD_BOOST = 0.0    # query syllables forming a segmented word: 1.0 and 2.0 measured worse (phrases do it)
PHRASE_BOOST = 2.0  # all the query's syllables adjacent, in order
PAIR_BOOST = 1.0    # two neighbouring query syllables adjacent: proximity for longer queries
CODE_BOOST = 3.0    # a document number or date typed whole
MAX_WORD_SYLLABLES = 4  # longest n-gram of the query tried as a segmented word


class InvalidParameter(ValueError):
    """A search parameter with a value we cannot use; the message is shown to the user (Vietnamese)."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name


@dataclass(frozen=True)
class SearchRequest:
    q: str = ""
    year: str | None = None
    department: str | None = None
    category: str | None = None
    site: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = 10

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> SearchRequest:
        """Validate user-supplied parameters (API, form, CLI); raises InvalidParameter."""

        def text(name: str) -> str | None:
            value = params.get(name)
            return str(value).strip() or None if value is not None else None

        def integer(name: str, default: int, low: int, high: int) -> int:
            raw = text(name)
            if raw is None:
                return default
            try:
                value = int(raw)
            except ValueError:
                raise InvalidParameter(name, f"Tham số '{name}' phải là số nguyên, không phải {raw!r}.") from None
            if not low <= value <= high:
                raise InvalidParameter(name, f"Tham số '{name}' phải nằm trong khoảng {low}–{high}.")
            return value

        def day(name: str) -> date | None:
            raw = text(name)
            if raw is None:
                return None
            try:
                return date.fromisoformat(raw)
            except ValueError:
                raise InvalidParameter(name, f"Tham số '{name}' phải là ngày dạng YYYY-MM-DD.") from None

        year = text("year")
        if year is not None and not (year.isdigit() and len(year) == 4):
            raise InvalidParameter("year", f"Năm không hợp lệ: {year!r}. Hãy dùng 4 chữ số, ví dụ 2019.")
        sort = text("sort") or "relevance"
        if sort not in ("relevance", "newest"):
            raise InvalidParameter("sort", "Tham số 'sort' chỉ nhận 'relevance' hoặc 'newest'.")
        return cls(
            q=str(params.get("q") or ""), year=year, department=text("department"),
            category=text("category"), site=text("site"), date_from=day("from"), date_to=day("to"),
            sort=sort, page=integer("page", 1, 1, MAX_PAGE),
            per_page=integer("per_page", 10, 1, MAX_PER_PAGE),
        )

    def filters(self) -> dict[str, str]:
        return {k: v for k in FACETS if (v := getattr(self, k))}


@dataclass
class SearchHit:
    id: str
    url: str
    title: str
    published: str | None
    department: str | None
    category: str | None
    site: str | None
    snippet: str
    score: float
    title_html: str = ""


@dataclass
class FacetValue:
    value: str
    count: int


@dataclass
class SearchResponse:
    query: str
    total: int
    page: int
    per_page: int
    results: list[SearchHit] = field(default_factory=list)
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    suggestion: str | None = None
    error: str | None = None
    notice: str | None = None  # e.g. "showing partial matches"

    def to_json(self) -> dict[str, Any]:
        """The JSON API's shape (and `tracuu search --json`)."""
        return {
            "query": self.query, "total": self.total, "page": self.page, "per_page": self.per_page,
            "results": [{k: v for k, v in asdict(h).items() if k != "title_html"} for h in self.results],
            "facets": {k: [asdict(v) for v in vals] for k, vals in self.facets.items()},
            "suggestion": self.suggestion, "error": self.error,
        }


def _clause_query(clause: Clause) -> Q.Query:
    """Folded syllables (or a phrase) in the title, boosted, or in the body."""
    folded = [fold(s) for s in clause.syllables]
    if clause.phrase:
        title: Q.Query = Q.Phrase("title_f", folded, boost=TITLE_BOOST)
        body: Q.Query = Q.Phrase("body_f", folded)
    else:
        title, body = Q.Term("title_f", folded[0], boost=TITLE_BOOST), Q.Term("body_f", folded[0])
    return title if clause.title_only else Q.Or([title, body])


def _excluded_query(clause: Clause) -> Q.Query:
    # an excluded word typed with diacritics excludes exactly that word, not its folded cousins
    if not clause.phrase and has_marks(clause.syllables[0]):
        return Q.Or([Q.Term(f, clause.syllables[0]) for f in ("title_s", "body_s")])
    return _clause_query(clause)


def _candidate_words(sylls: list[str]) -> set[str]:
    """Every run of 2–4 neighbouring query syllables, as the words field spells a word ("hội_nghị").

    The query is not segmented: underthesea splits a short lower-cased query differently from the
    cased sentence it came from, so each run is tried and the index says which ones are words.
    """
    return {"_".join(sylls[i:i + n]) for n in range(2, MAX_WORD_SYLLABLES + 1) for i in range(len(sylls) - n + 1)}


def _boosts(parsed: ParsedQuery, optional_clauses: list[Clause]) -> list[Q.Query]:
    """Optional queries that only rank: exact marks, whole words, adjacency, codes, stopwords."""
    boosts: list[Q.Query] = [_clause_query(c) for c in optional_clauses]
    for s in sorted({s for s in parsed.all_syllables() if has_marks(s)}):
        boosts += [Q.Term("title_s", s, boost=EXACT_BOOST * TITLE_BOOST), Q.Term("body_s", s, boost=EXACT_BOOST)]
    plain = [s for c in parsed.clauses[:MAX_CLAUSES] if not c.phrase for s in c.syllables]
    if len(plain) > 1:
        folded = [fold(s) for s in plain]
        boosts += [Q.Phrase("title_f", folded, boost=PHRASE_BOOST * TITLE_BOOST),
                   Q.Phrase("body_f", folded, boost=PHRASE_BOOST)]
        if len(plain) > 2 and PAIR_BOOST:
            for pair in sorted({(a, b) for a, b in zip(folded, folded[1:], strict=False)}):
                boosts += [Q.Phrase("title_f", list(pair), boost=PAIR_BOOST * TITLE_BOOST),
                           Q.Phrase("body_f", list(pair), boost=PAIR_BOOST)]
        if WORD_BOOST:
            boosts += [Q.Term("words", w, boost=WORD_BOOST) for w in sorted(_candidate_words(plain))]
    boosts += [Q.Term("codes", c, boost=CODE_BOOST) for c in codes(parsed.text)]
    return boosts


def build_query(parsed: ParsedQuery, *, match_all: bool = True) -> Q.Query:
    """Required clauses (folded syllables or phrases) plus optional boosts that only rank.

    Stopword syllables are optional when the query has other words, so "của" never filters,
    but a query of stopwords alone still matches them.
    """
    clauses = parsed.clauses[:MAX_CLAUSES]
    stops = stopwords()
    content = [c for c in clauses if c.phrase or " ".join(c.syllables) not in stops]
    required = content or clauses
    req_queries = [_clause_query(c) for c in required]
    main: Q.Query = Q.And(req_queries) if match_all else Q.Or(req_queries)
    boosts = _boosts(parsed, [c for c in clauses if c not in required])
    if boosts:
        optional = Q.Or(boosts)
        # a binary tree of unions skips to the required matches; Whoosh's default below 5 000
        # documents preloads every boost over the whole index (phrases included), ~10x slower
        optional.matcher_type = Q.Or.DEFAULT_MATCHER
        main = Q.AndMaybe(main, optional)
    if parsed.excluded:
        main = Q.AndNot(main, Q.Or([_excluded_query(c) for c in parsed.excluded]))
    return main


def _union(final: Q.Query, alt: ParsedQuery, filt: Q.Query | None) -> Q.Query:
    """Matches of the query as typed or as corrected, each scored by its own words."""
    corrected = build_query(alt)
    return Q.Or([final, Q.And([corrected, filt]) if filt is not None else corrected])


def _filter_query(request: SearchRequest) -> Q.Query | None:
    parts: list[Q.Query] = [Q.Term(k, v) for k, v in request.filters().items()]
    if request.date_from or request.date_to:
        low = int(request.date_from.strftime("%Y%m%d0000")) if request.date_from else None
        high = int(request.date_to.strftime("%Y%m%d2359")) if request.date_to else None
        parts.append(Q.NumericRange("pubdate", low, high))
    return Q.And(parts) if parts else None


def _headline(body: str, limit: int = 140) -> str:
    """A display title for an article archived without one: its first line, shortened."""
    first = body.strip().split("\n", 1)[0].strip()
    return first if len(first) <= limit else first[:limit].rsplit(" ", 1)[0] + "…"


class SearchIndex:
    """A long-lived handle on the current index generation, safe to share between threads."""

    def __init__(self, index_path: Path, archive_path: Path) -> None:
        self.index_path = Path(index_path)
        self.archive_path = Path(archive_path)
        self._lock = threading.Lock()
        self._local = threading.local()
        self._dir: Path | None = None
        self._searcher: Any = None
        self._facet_columns: dict[str, list[str]] = {}
        self._suggester: Suggester | None = None

    # -- index generations -----------------------------------------------------------------
    def _current_searcher(self) -> Any:
        """The searcher for the newest committed index; reopens after a swap, refreshes after a commit."""
        with self._lock:
            directory = store.current_dir(self.index_path)
            if directory is None:
                raise store.IndexMissingError(f"No index at '{self.index_path}'. Run 'tracuu index' first.")
            if directory != self._dir or self._searcher is None:
                store.check_safe(directory)
                from whoosh import index as whoosh_index

                old = self._searcher
                self._searcher = whoosh_index.open_dir(str(directory)).searcher(weighting=BM25F())
                self._dir = directory
                self._reset_caches()
                if old is not None:
                    old.close()
            elif not self._searcher.up_to_date():
                self._searcher = self._searcher.refresh()
                self._reset_caches()
            return self._searcher

    def _reset_caches(self) -> None:
        reader = self._searcher.reader()
        # per segment: a MultiReader's column skips segments without the column, misaligning docnums
        self._facet_columns = {name: [v for leaf, _ in reader.leaf_readers() for v in leaf.column_reader(name)]
                               for name in FACETS}
        self._suggester = Suggester(reader)

    def _archive(self) -> Archive:
        archive = getattr(self._local, "archive", None)
        if archive is None:
            archive = self._local.archive = Archive(self.archive_path)
        return archive

    def close(self) -> None:
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None

    # -- searching -------------------------------------------------------------------------
    def search(self, request: SearchRequest) -> SearchResponse:
        searcher = self._current_searcher()
        parsed = parse_query(request.q)
        response = SearchResponse(query=request.q, total=0, page=request.page, per_page=request.per_page)
        filt = _filter_query(request)
        if parsed.is_empty:
            if request.q.strip():
                response.error = "Truy vấn không có từ nào để tìm (chỉ có dấu câu hoặc ký hiệu)."
            base: Q.Query = Q.Every()
        else:
            base = build_query(parsed)
        final = Q.And([base, filt]) if filt is not None else base
        docnums = list(searcher.docs_for_query(final))
        if not parsed.is_empty and self._suggester is not None:
            response.suggestion = self._suggester.suggest(parsed, total=len(docnums))
        if not docnums and response.suggestion:
            # the original finds nothing: search the correction instead, and say so
            alt = parse_query(response.suggestion)
            alt_final = Q.And([build_query(alt), filt]) if filt is not None else build_query(alt)
            alt_docs = list(searcher.docs_for_query(alt_final))
            if alt_docs:
                parsed, final, docnums = alt, alt_final, alt_docs
                response.notice = (f"Không tìm thấy «{request.q}»; đang hiển thị kết quả cho "
                                   f"«{response.suggestion}».")
        elif docnums and response.suggestion:
            # a real-word slip ("trốn thuê"): the original's matches stay, the correction's join them
            alt_final = _union(final, parse_query(response.suggestion), filt)
            docnums = list(searcher.docs_for_query(alt_final))
            final = alt_final
        if not docnums and len(parsed.clauses) > 1:
            base = build_query(parsed, match_all=False)
            final = Q.And([base, filt]) if filt is not None else base
            docnums = list(searcher.docs_for_query(final))
            if docnums:
                response.notice = "Không có bài nào chứa đủ mọi từ; đây là các bài chứa một phần các từ."
        response.total = len(docnums)
        response.facets = self._count_facets(docnums)
        start = (request.page - 1) * request.per_page
        if start < response.total:
            response.results = self._page(searcher, final, parsed, request, start)
        return response

    def _page(self, searcher: Any, final: Q.Query, parsed: ParsedQuery, request: SearchRequest,
              start: int) -> list[SearchHit]:
        limit = start + request.per_page
        if request.sort == "newest" or parsed.is_empty:
            hits = searcher.search(final, limit=limit, sortedby="pubdate", reverse=True, terms=False)
        else:
            hits = searcher.search(final, limit=limit, terms=False)
        page = list(hits)[start:limit]
        ids = [h["id"] for h in page]
        articles = self._archive().get_many(ids)
        terms = {fold(s) for s in parsed.all_syllables()}
        out = []
        for h in page:
            article = articles.get(h["id"])
            body = article.body if article else ""
            title = h.get("title") or _headline(body)
            out.append(SearchHit(
                id=h["id"], url=h.get("url") or "", title=title,
                published=h.get("published") or None, department=h.get("department"),
                category=h.get("category"), site=h.get("site"),
                snippet=make_snippet(body, terms), score=round(float(h.score or 0.0), 4),
                title_html=mark_text(title, terms),
            ))
        return out

    def _count_facets(self, docnums: list[int]) -> dict[str, list[FacetValue]]:
        facets: dict[str, list[FacetValue]] = {}
        for name, column in self._facet_columns.items():
            counts = Counter(column[n] for n in docnums)
            counts.pop("", None)
            ordered = sorted(counts.items(), key=(lambda kv: kv[0]) if name == "year" else (lambda kv: (-kv[1], kv[0])))
            if name == "year":
                ordered.reverse()
            facets[name] = [FacetValue(value=v, count=c) for v, c in ordered]
        return facets

    def article(self, article_id: str) -> Any:
        """The archived article (for the article page), or None."""
        return self._archive().get(article_id)

    def more_like_this(self, article_id: str, limit: int = 5) -> list[SearchHit]:
        """Related articles by the words of this one's title."""
        article = self.article(article_id)
        if article is None or not article.title:
            return []
        searcher = self._current_searcher()
        parsed = parse_query(article.title)
        query = Q.AndNot(build_query(parsed, match_all=False), Q.Term("id", article_id))
        hits = searcher.search(query, limit=limit, terms=False)
        return [SearchHit(id=h["id"], url=h.get("url") or "", title=h.get("title") or "",
                          published=h.get("published") or None, department=h.get("department"),
                          category=h.get("category"), site=h.get("site"), snippet="",
                          score=round(float(h.score or 0.0), 4)) for h in hits]

    def doc_count(self) -> int:
        return self._current_searcher().doc_count()


def open_search_index(index_path: Path, archive_path: Path) -> SearchIndex:
    return SearchIndex(index_path, archive_path)

