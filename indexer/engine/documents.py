"""An article as every back end indexes it: tracuu's tokens in the plan's fields, and what results show.

The field names are the ones indexer/engine/plan.py queries; `pubdate` encodes a date as plan_filter's
ranges do. Each back end adds what only it keeps (Whoosh: the segmented words of its suggester).
"""

from __future__ import annotations

from typing import Any

from archive import Article
from indexer.analysis.text import AnalyzedText


def pubdate_number(published: str | None) -> int:
    """'2019-01-18T08:30:00+07:00' → 201901180830: sortable, and comparable for date ranges."""
    if not published:
        return 0
    digits = published[:16].replace("-", "").replace("T", "").replace(":", "")
    return int(digits.ljust(12, "0"))


def stored_fields(article: Article, content_hash: str) -> dict[str, Any]:
    """What a result shows without the archive, and the hash an update compares."""
    return {"id": article.id, "content_hash": content_hash, "title": article.title, "url": article.url or "",
            "published": article.published or "", "pubdate": pubdate_number(article.published)}


def token_fields(title: AnalyzedText, body: AnalyzedText) -> dict[str, str]:
    """The analysed fields: folded and exact syllables of title and body, and the document numbers of both."""
    return {"title_f": title.folded, "title_s": title.exact, "body_f": body.folded, "body_s": body.exact,
            "codes": f"{title.codes} {body.codes}".strip()}


def facet_values(article: Article) -> dict[str, str]:
    """The article's facet values; an absent one stays out of the document, and so out of the counts."""
    facets = {"year": str(article.year) if article.year else None, "department": article.department,
              "category": article.category, "site": article.site}
    return {k: v for k, v in facets.items() if v}
