"""An article as every back end indexes it: tracuu's tokens in the plan's fields, and what results show.

The field names are the ones indexer/engine/plan.py queries; `pubdate` encodes a date as plan_filter's
ranges do. Each back end adds what only it keeps (Whoosh: the segmented words of its suggester).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from archive import Article, attachment_pages
from indexer.analysis.event_dates import event_dates
from indexer.analysis.people import Person, people
from indexer.analysis.text import AnalyzedText, normalize_text

# Characters of an article's attachments indexed: a 300-page report is searchable through its first ~250 pages
# (and a long spreadsheet through its first rows) without one article outweighing a thousand posts in the index.
MAX_ATTACHED_CHARS = 1_000_000
ANY_FILE = "any"  # the file-type token every article with an attachment has: the "có tệp đính kèm" filter
FILE_TYPES = ("pdf", "doc", "docx", "odt", "xls", "xlsx")
MAX_HIT_PEOPLE = 8  # people listed with one result: the first named (an article of awards names dozens)

Hashed = tuple[Article, str]  # an article and its content hash


def pubdate_number(published: str | None) -> int:
    """'2019-01-18T08:30:00+07:00' → 201901180830: sortable, and comparable for date ranges."""
    if not published:
        return 0
    digits = published[:16].replace("-", "").replace("T", "").replace(":", "")
    return int(digits.ljust(12, "0"))


def article_fields(article: Article, content_hash: str) -> dict[str, Any]:
    """Every field of an article but its tokens: what a result shows, the hash an update compares, its facet
    values and filter tokens. The days of its events and the people it names are found once here, for its
    filters and for its result rows (a search page would otherwise find them again for each of its ~10 hits,
    ~0.6 ms each)."""
    days, named = article_event_dates(article), article_people(article)
    shown = {"id": article.id, "content_hash": content_hash, "title": article.title, "url": article.url or "",
             "published": article.published or "", "pubdate": pubdate_number(article.published),
             "event_days": [d.isoformat() for d in days],
             "people": [{"name": p.name, "title": p.title} for p in named[:MAX_HIT_PEOPLE]]}
    return {**shown, **facet_values(article, days, named)}


def token_fields(title: AnalyzedText, body: AnalyzedText, attached: AnalyzedText | None = None) -> dict[str, str]:
    """The analysed fields: folded and exact syllables of title, body and attached files, and the document
    numbers of all three."""
    fields = {"title_f": title.folded, "title_s": title.exact, "body_f": body.folded, "body_s": body.exact,
              "codes": f"{title.codes} {body.codes}".strip()}
    if attached is not None and attached.exact:
        fields.update(att_f=attached.folded, att_s=attached.exact,
                      codes=f"{fields['codes']} {attached.codes}".strip())
    return fields


def attached_text(article: Article) -> str:
    """The text of the article's attached files, page after page, the first MAX_ATTACHED_CHARS of it."""
    parts: list[str] = []
    left = MAX_ATTACHED_CHARS
    for entry in article.attachments:
        for page in attachment_pages(entry):
            if left <= 0:
                return "\n".join(parts)
            parts.append(page[:left])
            left -= len(parts[-1])
    return "\n".join(parts)


def file_type(entry: dict[str, Any]) -> str | None:
    """An attachment's type: as sniffed from its bytes when fetched, else as its URL's extension says."""
    kind = entry.get("type")
    if isinstance(kind, str) and kind in FILE_TYPES:
        return kind
    path = str(entry.get("url") or "").split("?", 1)[0].split("#", 1)[0].lower()
    extension = path.rsplit(".", 1)[-1] if "." in path.rsplit("/", 1)[-1] else ""
    return extension if extension in FILE_TYPES else None


def file_types(article: Article) -> str:
    """The file-type tokens the attachment filter matches: "any" when the article has an attachment, and
    each type it has ("any pdf xlsx")."""
    if not article.attachments:
        return ""
    kinds = sorted({k for entry in article.attachments if (k := file_type(entry))})
    return " ".join([ANY_FILE, *kinds])


def article_text(article: Article) -> str:
    """The text whose dates and people an article is about: its title, then its body."""
    return f"{article.title or ''}\n{article.body or ''}"


def article_event_dates(article: Article) -> list[date]:
    """The days the article places events on (a yearless "sáng 16/5" takes the publication's year); the title
    apart from the body, whose first date its words ("… ban hành kế hoạch") would otherwise seem to issue."""
    days = set(event_dates(article.title or "", article.published)) | set(event_dates(article.body, article.published))
    return sorted(days)


def article_people(article: Article) -> list[Person]:
    """The people the article introduces by a title or an honorific, with their titles."""
    return people(article_text(article))


def event_tokens(days: Iterable[date]) -> str:
    """Each day as its year, month and day tokens ("2019 201901 20190118"): a range filter is an OR of
    the few whole years, months and days that cover it (plan.event_cover), on any back end."""
    tokens = {token for d in days for token in (f"{d.year}", f"{d.year}{d.month:02d}", d.strftime("%Y%m%d"))}
    return " ".join(sorted(tokens))


def person_token(name: str) -> str:
    """A person's one token in the `person` field: the tone-normalised name joined by underscores
    ("Hà_Lê_Thanh_Chung"), so whitespace-split fields keep it whole and the facet shows it as written."""
    return "_".join(normalize_text(name).split())


def person_name(token: str) -> str:
    """The name a `person` token stands for: "Hà_Lê_Thanh_Chung" → "Hà Lê Thanh Chung"."""
    return token.replace("_", " ")


def facet_values(article: Article, days: list[date], named: list[Person]) -> dict[str, str]:
    """The article's facet values, and the tokens of its filters (its attachments' types, the `days` of its
    events, the people it names); an absent one stays out of the document, and so out of the counts."""
    facets = {"year": str(article.year) if article.year else None, "department": article.department,
              "category": article.category, "site": article.site, "filetype": file_types(article),
              "event": event_tokens(days),
              "person": " ".join(dict.fromkeys(person_token(p.name) for p in named))}
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
