"""What a search answers: hits, facet counts, a suggestion, and the JSON API's shape of it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from itertools import starmap
from operator import itemgetter
from typing import Any

from archive import Article
from indexer.analysis.event_dates import format_event_date
from indexer.engine.attachment_hits import AttachmentMatch, attachment_matches
from indexer.engine.documents import MAX_HIT_PEOPLE, article_event_dates, article_people, person_name
from indexer.engine.snippets import make_snippet, mark_text


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
    attachment_matches: list[AttachmentMatch] = field(default_factory=list)
    event_dates: list[str] = field(default_factory=list)  # ISO days the article places events on
    people: list[dict[str, str | None]] = field(default_factory=list)  # {"name", "title"}, first named first


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
            # by hand: asdict() deep-copies, and the people facet alone has ~1 000 values a search
            "facets": {k: [{"value": v.value, "count": v.count} for v in vals] for k, vals in self.facets.items()},
            "suggestion": self.suggestion, "error": self.error,
        }


def headline(body: str, limit: int = 140) -> str:
    """A display title for an article archived without one: its first line, shortened."""
    first = body.strip().split("\n", 1)[0].strip()
    return first if len(first) <= limit else first[:limit].rsplit(" ", 1)[0] + "…"


def make_hit(stored: Mapping[str, Any], score: float | None, article: Article | None = None,
             terms: set[str] | None = None) -> SearchHit:
    """A result row from a back end's stored fields. With `terms` (query_terms), a result list's row: the
    title marked, a snippet cut from the archived `article`, the days of its events and the people it names;
    without, a bare link (related articles)."""
    title = stored.get("title") or ""
    snippet = title_html = ""
    matches: list[AttachmentMatch] = []
    days: list[str] = []
    named: list[dict[str, str | None]] = []
    if terms is not None:
        body = article.body if article else ""
        title = title or headline(body)
        snippet, title_html = make_snippet(body, terms), mark_text(title, terms)
        matches = attachment_matches(article, terms)
        if "people" in stored:  # found when indexed (documents.article_fields)
            days = list(stored.get("event_days") or ())
            named = [dict(p) for p in stored["people"]]
        elif article is not None:  # an index made before schema 6, until `tracuu index` rebuilds it
            days = [d.isoformat() for d in article_event_dates(article)]
            named = [{"name": p.name, "title": p.title} for p in article_people(article)[:MAX_HIT_PEOPLE]]
    return SearchHit(id=stored["id"], url=stored.get("url") or "", title=title,
                     published=stored.get("published") or None, department=stored.get("department"),
                     category=stored.get("category"), site=stored.get("site"), snippet=snippet,
                     score=round(float(score or 0.0), 4), title_html=title_html,
                     attachment_matches=matches, event_dates=days, people=named)


def event_label(iso_days: list[str]) -> str:
    """ "Diễn ra" as a result shows it: "18/01/2019", or the first and last of several days."""
    days = [format_event_date(date.fromisoformat(d)) for d in iso_days]
    if len(days) > 2:
        return f"{days[0]} – {days[-1]} ({len(days)} ngày)"
    return ", ".join(days)


def facet_label(name: str) -> Callable[[str], str]:
    """How a facet's values are shown, and so ordered among equal counts: a person token as the name, any
    other value as it is."""
    return person_name if name == "person" else _as_is


def _as_is(value: str) -> str:
    return value


def ordered_facets(counts: Mapping[str, Mapping[str, int]]) -> dict[str, list[FacetValue]]:
    """Facet counts as every back end lists them: years newest first, other facets by count, then label."""
    out: dict[str, list[FacetValue]] = {}
    for name, values in counts.items():
        label = facet_label(name)
        nonzero = [(label(v), c) for v, c in values.items() if c]
        if name == "year":
            nonzero.sort(reverse=True)
        else:  # by value, then (stable) by count: C-level keys, half the time of one (-count, value) key
            nonzero.sort(key=itemgetter(0))
            nonzero.sort(key=itemgetter(1), reverse=True)
        out[name] = list(starmap(FacetValue, nonzero))
    return out
