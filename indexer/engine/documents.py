"""An article as every back end indexes it: tracuu's tokens in the plan's fields, and what results show.

The field names are the ones indexer/engine/plan.py queries; `pubdate` encodes a date as plan_filter's
ranges do. Each back end adds what only it keeps (Whoosh: the segmented words of its suggester).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from archive import Article
from indexer.analysis.text import AnalyzedText

Hashed = tuple[Article, str]  # an article and its content hash


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


def with_stored_hashes(articles: Iterable[Article], hashes: dict[str, str]) -> Iterator[Hashed]:
    """Each article with its content hash as the archive stored it (`Archive.hashes`, read once for
    the diff): the index must hold the hash an update compares, and Article.content_hash would hash
    the whole article again. An article added since that read is hashed; one rewritten since keeps
    the hash read, so the next run, finding the archive's hash changed, indexes it again."""
    for article in articles:
        yield article, hashes.get(article.id) or article.content_hash


@dataclass(frozen=True)
class Changes:
    """What an update must do: index `changed` (new or edited), delete `gone`; the rest are unchanged."""

    changed: list[str]
    gone: list[str]
    unchanged: int


def changes(in_index: dict[str, str], in_archive: dict[str, str]) -> Changes:
    """The difference between the index's and the archive's id → content hash maps."""
    changed = [i for i, h in in_archive.items() if in_index.get(i) != h]
    return Changes(changed, [i for i in in_index if i not in in_archive], len(in_archive) - len(changed))
