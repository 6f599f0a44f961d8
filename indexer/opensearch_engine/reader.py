"""Searching the OpenSearch index: a request in, a response out, as the Whoosh engine answers it.

The query plan (indexer/engine/plan.py) decides what matches and what ranks, for both back ends;
facets are terms aggregations over all matches; snippets are cut from the archived text, as
everywhere. Scores are OpenSearch's BM25 with the plan's weights (statistics taken over all shards:
dfs_query_then_fetch when there are several), so the ranking is close to Whoosh's BM25F but not identical.
"""

from __future__ import annotations

import threading
from typing import Any

from archive import Archive, Article
from indexer.engine.base import read_archive
from indexer.engine.config import EngineConfig
from indexer.engine.plan import AnyOf, Everything, Node, Term, Without, plan_filter, plan_query
from indexer.engine.query import ParsedQuery, parse_query
from indexer.engine.request import FACETS, SearchRequest
from indexer.engine.response import SearchHit, SearchResponse, make_hit, ordered_facets
from indexer.engine.snippets import query_terms
from indexer.engine.suggest import Suggester
from indexer.errors import IndexMissingError
from indexer.opensearch_engine.client import connect, errors
from indexer.opensearch_engine.dsl import filtered
from indexer.opensearch_engine.vocabulary import OpenSearchVocabulary, ShardRoutings

SHOWN = ["id", "title", "url", "published", "event_days", "people", *FACETS]
FACET_VALUES = 10_000  # distinct values counted per facet: every department of a province


class OpenSearchEngine:
    """A long-lived handle on the index behind `alias`; the client is thread-safe and pools connections."""

    def __init__(self, config: EngineConfig) -> None:
        self.url = config.opensearch_url
        self.alias = config.opensearch_index
        self.archive_path = config.archive_path
        self.abbreviations = config.abbreviations()
        self.client = connect(self.url, ca_file=config.opensearch_ca_file)
        self._local = threading.local()
        self._routings = ShardRoutings()

    def _archive(self) -> Archive:
        archive = getattr(self._local, "archive", None)
        if archive is None:
            archive = self._local.archive = read_archive(self.archive_path)
        return archive

    def _search(self, body: dict[str, Any]) -> dict[str, Any]:
        from opensearchpy import exceptions

        with errors(self.url):
            try:
                # statistics over all shards (an extra round trip) only where there is more than one
                shards = len(self._routings.of(self.client, self.alias))
                search_type = "dfs_query_then_fetch" if shards > 1 else "query_then_fetch"
                return self.client.search(index=self.alias, body=body, search_type=search_type)
            except exceptions.NotFoundError:
                raise IndexMissingError(f"No OpenSearch index behind '{self.alias}'. Run 'tracuu index' first.") \
                    from None

    def _plan(self, parsed: ParsedQuery, *, match_all: bool = True) -> Node:
        return plan_query(parsed, match_all=match_all, abbreviations=self.abbreviations)

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
            query = self._plan(parsed)
        start = (request.page - 1) * request.per_page
        newest = request.sort == "newest" or parsed.is_empty
        found = self._query(query, filters, start=start, size=request.per_page, newest=newest, facets=True)
        if not parsed.is_empty:
            with errors(self.url):
                vocabulary = OpenSearchVocabulary(self.client, self.alias, self._routings)
                response.suggestion = Suggester(vocabulary).suggest(parsed, total=found["hits"]["total"]["value"])
        if not found["hits"]["total"]["value"] and response.suggestion:
            # the original finds nothing: search the correction instead, and say so
            alt = parse_query(response.suggestion)
            alt_found = self._query(self._plan(alt), filters, start=start, size=request.per_page, newest=newest,
                                    facets=True)
            if alt_found["hits"]["total"]["value"]:
                parsed, found = alt, alt_found
                response.notice = (f"Không tìm thấy «{request.q}»; đang hiển thị kết quả cho "
                                   f"«{response.suggestion}».")
        elif response.suggestion:
            # a real-word slip ("trốn thuê"): the original's matches stay, the correction's join them
            query = AnyOf((query, self._plan(parse_query(response.suggestion))))
            found = self._query(query, filters, start=start, size=request.per_page, newest=newest, facets=True)
        if not found["hits"]["total"]["value"] and len(parsed.clauses) > 1:
            partial = self._query(self._plan(parsed, match_all=False), filters, start=start,
                                  size=request.per_page, newest=newest, facets=True)
            if partial["hits"]["total"]["value"]:
                found = partial
                response.notice = "Không có bài nào chứa đủ mọi từ; đây là các bài chứa một phần các từ."
        response.total = found["hits"]["total"]["value"]
        buckets = {f: found.get("aggregations", {}).get(f, {}).get("buckets", []) for f in FACETS}
        response.facets = ordered_facets({f: {b["key"]: b["doc_count"] for b in bs} for f, bs in buckets.items()})
        if start < response.total:
            response.results = self._hits(found["hits"]["hits"], parsed)
        return response

    def _hits(self, hits: list[dict[str, Any]], parsed: ParsedQuery) -> list[SearchHit]:
        """Result rows: stored fields, and snippets from the archived text."""
        articles = self._archive().get_many([h["_source"]["id"] for h in hits])
        terms = query_terms(parsed)
        return [make_hit(h["_source"], h.get("_score"), articles.get(h["_source"]["id"]), terms) for h in hits]

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
        query = Without(self._plan(parsed, match_all=False), Term("id", article_id))
        return [make_hit(h["_source"], h.get("_score")) for h in self._query(query, None, size=limit)["hits"]["hits"]]

    def doc_count(self) -> int:
        return int(self._query(Everything(), None)["hits"]["total"]["value"])

    def close(self) -> None:
        with errors(self.url):
            self.client.close()
