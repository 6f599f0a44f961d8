"""Searching the OpenSearch index: a request in, a response out, as the Whoosh engine answers it.

The query plan (indexer/engine/plan.py) decides what matches and what ranks, for both back ends;
facets are terms aggregations over all matches; snippets are cut from the archived text, as
everywhere. Scores are OpenSearch's BM25 with the plan's weights (statistics taken over all shards:
dfs_query_then_fetch), so the ranking is close to Whoosh's BM25F but not identical.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from archive import Archive, Article
from indexer.engine.plan import Everything, Node, Term, Without, plan_filter, plan_query
from indexer.engine.query import ParsedQuery, parse_query
from indexer.engine.request import FACETS, SearchRequest
from indexer.engine.response import FacetValue, SearchHit, SearchResponse
from indexer.engine.snippets import make_snippet, mark_text, query_terms
from indexer.errors import IndexMissingError
from indexer.opensearch_engine.client import connect, errors
from indexer.opensearch_engine.dsl import filtered

SHOWN = ["id", "title", "url", "published", *FACETS]
FACET_VALUES = 10_000  # distinct values counted per facet: every department of a province


def _headline(body: str, limit: int = 140) -> str:
    """A display title for an article archived without one: its first line, shortened."""
    first = body.strip().split("\n", 1)[0].strip()
    return first if len(first) <= limit else first[:limit].rsplit(" ", 1)[0] + "…"


class OpenSearchEngine:
    """A long-lived handle on the index behind `alias`; the client is thread-safe and pools connections."""

    def __init__(self, url: str, alias: str, archive_path: Path, *, ca_file: str = "") -> None:
        self.url = url
        self.alias = alias
        self.archive_path = Path(archive_path)
        self.client = connect(url, ca_file=ca_file)
        self._local = threading.local()

    def _archive(self) -> Archive:
        archive = getattr(self._local, "archive", None)
        if archive is None:
            archive = self._local.archive = Archive(self.archive_path)
        return archive

    def _search(self, body: dict[str, Any]) -> dict[str, Any]:
        from opensearchpy import exceptions

        with errors(self.url):
            try:
                return self.client.search(index=self.alias, body=body, search_type="dfs_query_then_fetch")
            except exceptions.NotFoundError:
                raise IndexMissingError(f"No OpenSearch index behind '{self.alias}'. Run 'tracuu index' first.") \
                    from None

    def _query(self, query: Node, filters: Node | None, *, start: int = 0, size: int = 0, newest: bool = False,
               facets: bool = False) -> dict[str, Any]:
        body: dict[str, Any] = {"query": filtered(query, filters), "from": start, "size": size,
                                "track_total_hits": True, "_source": SHOWN}
        if newest:
            body["sort"] = [{"pubdate": "desc"}, {"id": "desc"}]
        if facets:
            body["aggs"] = {f: {"terms": {"field": f, "size": FACET_VALUES, "shard_size": FACET_VALUES}}
                            for f in FACETS}
        return self._search(body)

    def search(self, request: SearchRequest) -> SearchResponse:
        parsed = parse_query(request.q)
        response = SearchResponse(query=request.q, total=0, page=request.page, per_page=request.per_page)
        filters = plan_filter(request)
        query: Node = Everything()
        if parsed.is_empty:
            if request.q.strip():
                response.error = "Truy vấn không có từ nào để tìm (chỉ có dấu câu hoặc ký hiệu)."
        else:
            query = plan_query(parsed)
        start = (request.page - 1) * request.per_page
        newest = request.sort == "newest" or parsed.is_empty
        found = self._query(query, filters, start=start, size=request.per_page, newest=newest, facets=True)
        if not found["hits"]["total"]["value"] and len(parsed.clauses) > 1:
            partial = self._query(plan_query(parsed, match_all=False), filters, start=start,
                                  size=request.per_page, newest=newest, facets=True)
            if partial["hits"]["total"]["value"]:
                found = partial
                response.notice = "Không có bài nào chứa đủ mọi từ; đây là các bài chứa một phần các từ."
        response.total = found["hits"]["total"]["value"]
        response.facets = _facets(found.get("aggregations", {}))
        if start < response.total:
            response.results = self._hits(found["hits"]["hits"], parsed)
        return response

    def _hits(self, hits: list[dict[str, Any]], parsed: ParsedQuery) -> list[SearchHit]:
        """Result rows: stored fields, and snippets from the archived text."""
        articles = self._archive().get_many([h["_source"]["id"] for h in hits])
        terms = query_terms(parsed)
        out = []
        for hit in hits:
            source = hit["_source"]
            article = articles.get(source["id"])
            body = article.body if article else ""
            title = source.get("title") or _headline(body)
            out.append(SearchHit(
                id=source["id"], url=source.get("url") or "", title=title,
                published=source.get("published") or None, department=source.get("department"),
                category=source.get("category"), site=source.get("site"),
                snippet=make_snippet(body, terms), score=round(float(hit.get("_score") or 0.0), 4),
                title_html=mark_text(title, terms),
            ))
        return out

    def article(self, article_id: str) -> Article | None:
        return self._archive().get(article_id)

    def more_like_this(self, article_id: str, limit: int = 5) -> list[SearchHit]:
        """Related articles by the words of this one's title."""
        article = self.article(article_id)
        if article is None or not article.title:
            return []
        parsed = parse_query(article.title)
        if parsed.is_empty:
            return []
        query = Without(plan_query(parsed, match_all=False), Term("id", article_id))
        hits = self._query(query, None, size=limit)["hits"]["hits"]
        return [SearchHit(id=s["id"], url=s.get("url") or "", title=s.get("title") or "",
                          published=s.get("published") or None, department=s.get("department"),
                          category=s.get("category"), site=s.get("site"), snippet="",
                          score=round(float(h.get("_score") or 0.0), 4)) for h in hits for s in (h["_source"],)]

    def doc_count(self) -> int:
        return int(self._query(Everything(), None)["hits"]["total"]["value"])

    def close(self) -> None:
        with errors(self.url):
            self.client.close()


def _facets(aggregations: dict[str, Any]) -> dict[str, list[FacetValue]]:
    """Counts per facet value, ordered as the Whoosh engine orders them: years newest first, others by count."""
    out: dict[str, list[FacetValue]] = {}
    for name in FACETS:
        counts = {b["key"]: b["doc_count"] for b in aggregations.get(name, {}).get("buckets", []) if b["doc_count"]}
        if name == "year":
            ordered = sorted(counts.items(), reverse=True)
        else:
            ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        out[name] = [FacetValue(value=v, count=c) for v, c in ordered]
    return out
