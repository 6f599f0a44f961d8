"""Which attached file, and which page, a result was found in ("Tìm thấy trong tệp đính kèm: QD-1234.pdf, trang 3").

Computed from the archived text when a result is shown, like snippets: every back end indexes an article's
attachments as one field, so the page is found here, on the few results of a page, not kept per page in an index.
"""

from __future__ import annotations

import posixpath
import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from archive import PAGE_BREAK, Article, attachment_pages
from indexer.analysis.text import fold_text, stopwords
from indexer.engine.snippets import make_snippet

MAX_FILES = 3  # attachments named per result: the best page of each
# Characters of one article's files searched for the page: folding costs ~80 ms a million characters, paid for
# each result shown. A result matched only further on (past ~120 pages of files) is shown with the post's own
# snippet and names no file page.
MAX_SCANNED = 300_000


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


def _pattern(terms: set[str]) -> re.Pattern[str]:
    """Any of the folded terms as a whole syllable of folded text (as snippets find them)."""
    alternatives = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
    return re.compile(rf"(?<![^\W_])(?:{alternatives})(?![^\W_])")


def _terms_by_page(text: str, pattern: re.Pattern[str]) -> dict[int, set[str]]:
    """Page number (from 1) → the terms found on it, in one pass of C-level folding and matching."""
    breaks = [m.start() for m in re.finditer(PAGE_BREAK, text)]
    found: dict[int, set[str]] = {}
    for m in pattern.finditer(fold_text(text)):
        found.setdefault(bisect_right(breaks, m.start()) + 1, set()).add(m.group())
    return found


def attachment_matches(article: Article | None, terms: set[str]) -> list[AttachmentMatch]:
    """The files holding most of the folded query `terms` on one page, each with that page, in the post's order.

    Named only when that page holds every content word of the query, or more of them than the title and body
    together: then the result was found (also, or only) through the file, and saying where saves opening it.
    Files holding fewer of the words than the best one are not named: they are not where it was found.
    """
    if article is None or not article.attachments or not terms:
        return []
    stops = stopwords()
    content = {t for t in terms if t not in stops} or set(terms)
    pattern = _pattern(content)
    in_post = len({m.group() for m in pattern.finditer(fold_text(f"{article.title}\n{article.body}"))})
    best: list[tuple[int, int, dict[str, Any], str]] = []  # (terms found, page, entry, its text) per file
    budget = MAX_SCANNED
    for entry in article.attachments:
        text = (entry.get("text") or "")[:max(budget, 0)]
        budget -= len(text)
        pages = _terms_by_page(text, pattern) if text else {}
        if pages:
            count, page = max((len(t), -n) for n, t in pages.items())
            best.append((count, -page, entry, text))
    top = max((count for count, *_ in best), default=0)
    if not top or (top < len(content) and top <= in_post):
        return []
    return [AttachmentMatch(url=entry.get("url") or "", title=entry.get("title") or "", page=page,
                            snippet=make_snippet(attachment_pages({"text": text})[page - 1], set(terms)),
                            file=file_name(entry))
            for count, page, entry, text in best if count == top][:MAX_FILES]
