"""What a search answers: hits, facet counts, a suggestion, and the JSON API's shape of it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


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
