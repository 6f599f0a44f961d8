"""Which attached file, and which page, a result was found in ("Tìm thấy trong tệp đính kèm: QD-1234.pdf, trang 3").

Computed from the archived text when a result is shown, like snippets: every back end indexes an article's
attachments as one field, so the page is found here, on the few results of a page, not kept per page in an index.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from archive import Article, attachment_pages
from indexer.analysis.text import fold, fold_text, stopwords
from indexer.engine.snippets import make_snippet

MAX_FILES = 3  # attachments named per result: the best page of each
MAX_SCANNED = 2_000_000  # characters of one article's attachments searched for a page; a long spreadsheet stops here


@dataclass
class AttachmentMatch:
    """A page of an attached file holding the query's words (the JSON API's `attachment_matches` items)."""

    url: str
    title: str
    page: int
    snippet: str
    file: str = ""  # the file's name, for the sentence under a result


def file_name(entry: dict[str, Any]) -> str:
    """The name people know a file by: the last part of its URL ("QD-1234.pdf"), else its link text."""
    path = unquote(urlsplit(entry.get("url") or "").path)
    return posixpath.basename(path) or entry.get("title") or "tệp đính kèm"


def _present(folded_page: str, terms: set[str]) -> set[str]:
    padded = f" {' '.join(folded_page.split())} "
    return {t for t in terms if f" {t} " in padded}


def _words(text: str) -> str:
    """Folded text with punctuation as spaces, so a term is found as a whole syllable by a substring test."""
    return "".join(c if c.isalnum() else " " for c in fold_text(text))


def attachment_matches(article: Article | None, terms: set[str]) -> list[AttachmentMatch]:
    """The attachments' best pages for the folded query `terms`, best first.

    A page counts when it holds every content word of the query, or more of them than the title and body
    together: then the result was found (also, or only) through the file, and saying where saves opening it.
    """
    if article is None or not article.attachments or not terms:
        return []
    stops = stopwords()
    content = {t for t in terms if t not in stops} or set(terms)
    in_post = len(_present(_words(f"{article.title}\n{article.body}"), content))
    found: list[tuple[int, int, AttachmentMatch]] = []
    budget = MAX_SCANNED
    for order, entry in enumerate(article.attachments):
        best: tuple[int, int, str] | None = None
        for number, page in enumerate(attachment_pages(entry), start=1):
            if budget <= 0:
                break
            budget -= len(page)
            count = len(_present(_words(page), content))
            if count and (count == len(content) or count > in_post) and (best is None or count > best[0]):
                best = (count, number, page)
        if best is not None:
            count, number, page = best
            match = AttachmentMatch(url=entry.get("url") or "", title=entry.get("title") or "", page=number,
                                    snippet=make_snippet(page, {fold(t) for t in terms}), file=file_name(entry))
            found.append((-count, order, match))
    found.sort(key=lambda item: item[:2])
    return [match for _count, _order, match in found[:MAX_FILES]]
