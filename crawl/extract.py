"""Article extraction: what the crawler stores for one page.

A numbered cascade for the body (recorded in ``extracted_by``):
  1. "profile": the site profile's body selector;
  2. "generic": the block holding most paragraph text outside menus, sidebars and related lists;
  3. "text": every visible line outside page furniture.
Title, date and department each fill only what is still empty, profile first, then the most
structured source (``<meta>``/JSON-LD), then the page text near the heading.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from bs4 import BeautifulSoup, Tag

from archive import Article, normalize_published
from crawl.dates import day_of, find_dates, parse_date
from crawl.departments import department_from_line, find_signature, normalize_department
from crawl.html import BLOCK_TAGS, blocks_of, clean_text, in_furniture, is_furniture, page_soup, text_of
from crawl.listing import ListItem, ListPage, extract_list
from crawl.profiles import SiteProfile, generic_profile
from crawl.urls import absolute_url, clean_url, host_allowed, host_of, is_document_url

log = logging.getLogger(__name__)

__all__ = ["ExtractedArticle", "ListItem", "ListPage", "extract_article", "extract_list"]

MIN_BODY = 30  # characters; less means the step came up short and the next one runs
_RELATED_HEADING = re.compile(
    r"^(tin liên quan|các tin liên quan|bài viết liên quan|tin cùng chuyên mục|các tin khác|tin khác|tin mới hơn"
    r"|tin cũ hơn|các tin đã đưa|xem thêm|tin bài khác|các bài viết khác|bài viết khác)\b", re.IGNORECASE)
_JUNK_LINE = re.compile(
    r"^(in bài|bản in|chia sẻ|gửi email|gửi bài|quay lại|trở về|về đầu trang|lên đầu trang|đầu trang|tải về"
    r"|print|share|back|top|facebook|zalo|twitter|email|tweet|like)$|^(lượt xem|số lượt xem|lượt truy cập|lượt đọc"
    r"|views?)\s*:?\s*[\d.,]+$", re.IGNORECASE)
_MODIFIED = re.compile(r"cập nhật|chỉnh sửa|sửa đổi lúc|updated|modified|lần cuối", re.IGNORECASE)
_WEEKDAY = re.compile(r"(thứ\s*(hai|ba|tư|năm|sáu|bảy|[2-7])|chủ\s*nhật|ngày\s*đăng|ngày|đăng\s*lúc|đăng"
                      r"|cập nhật|gmt\s*[+-]\s*\d+|[|,:\-–()])", re.IGNORECASE)
_META_PUBLISHED = (
    ("property", "article:published_time"), ("itemprop", "datePublished"), ("property", "og:published_time"),
    ("name", "pubdate"), ("name", "publishdate"), ("name", "publish-date"), ("name", "dc.date.issued"),
    ("name", "DC.date.issued"), ("name", "dcterms.created"), ("name", "date"),
)
_SOURCE_CLASS = re.compile(r"nguon-?tin|nguontin|source|author|tacgia|tac-gia", re.IGNORECASE)
_BREADCRUMB = re.compile(r"breadcrumb|duong-?dan|dd_chuyenmuc|path-?way|chuyen-?muc", re.IGNORECASE)


@dataclass
class ExtractedArticle:
    """What the crawler would store for one page, before it becomes an archive `Article`."""

    url: str
    title: str
    published: str | None
    department: str | None
    department_raw: str | None
    body: str
    attachments: list[dict[str, str]] = field(default_factory=list)
    extracted_by: str = "generic"
    category: str | None = None
    date_source: str | None = None

    def to_article(self, site: str | None = None, category: str | None = None) -> Article:
        """The archive record; the raw signature and the extraction step go to ``extra``."""
        extra: dict[str, Any] = {"extracted_by": self.extracted_by}
        if self.department_raw:
            extra["department_raw"] = self.department_raw
        if self.date_source:
            extra["date_source"] = self.date_source
        return Article(
            id=self.url, url=self.url, title=self.title, body=self.body or self.title,
            published=self.published, department=self.department, category=self.category or category,
            site=site, attachments=list(self.attachments), extra=extra,
        )


@dataclass
class _DateCandidate:
    value: date | datetime
    distance: int  # text nodes after (+) or before (-) the title
    short: bool  # a date line of its own, not a date inside a sentence
    modified: bool  # labelled as an update time
    source: str = "text"

    def score(self) -> float:
        return abs(self.distance) + (3 if self.distance < 0 else 0) + (0 if self.short else 40) + \
            (60 if self.modified else 0)


def extract_article(html: bytes | str, url: str, profile: SiteProfile | None = None, *,
                    content_type: str | None = None, list_date: str | None = None) -> ExtractedArticle:
    """Extract title, date, body, department and attachments of one article page.

    `list_date` is the date shown beside the link on the list page: a cross-check for the page's date.
    """
    profile = profile or generic_profile(url)
    soup = page_soup(html, content_type, profile)
    canonical = _canonical_url(soup, url, profile)
    structured = _structured_dates(soup)

    title_el, title = _title(soup, profile)
    published, date_source, candidates = _published(soup, profile, title_el, structured)
    published, date_source = _cross_check(published, date_source, candidates, list_date)
    attachments = _attachments(soup, profile, canonical, title_el)
    category = _category(soup, profile, title)

    lines, extracted_by = _body(soup, profile, title_el)
    lines = _clean_lines(lines, title)
    department_raw, department = _department(soup, profile, lines, canonical)

    return ExtractedArticle(
        url=canonical, title=title, published=normalize_published(published) if published else None,
        department=department, department_raw=department_raw, body="\n\n".join(lines),
        attachments=attachments, extracted_by=extracted_by, category=category, date_source=date_source,
    )


# -- URL and title ----------------------------------------------------------------------------
def _canonical_url(soup: BeautifulSoup, url: str, profile: SiteProfile) -> str:
    """<link rel=canonical> when it points to the same site, else the URL without tracking parameters."""
    link = soup.find("link", rel="canonical", href=True)
    if link is not None:
        target = absolute_url(str(link["href"]), url)
        hosts = profile.allowed_hosts or ()
        saved_page = url.startswith("file:")  # `tracuu extract page.html`: the page says where it lives
        if target and (saved_page or host_allowed(target, hosts + (host_of(url),))):
            return target
    return clean_url(url)


def _meta_content(soup: BeautifulSoup, attr: str, value: str) -> str | None:
    tag = soup.find("meta", attrs={attr: value})
    content = tag.get("content") if tag is not None else None
    return clean_text(str(content)) if content else None


def _title(soup: BeautifulSoup, profile: SiteProfile) -> tuple[Tag | None, str]:
    """The article heading: profile selector, then the heading that <title>/og:title agree with, then h1."""
    if profile.title:
        tag = soup.select_one(profile.title)
        if tag is not None and text_of(tag):
            return tag, text_of(tag)
        log.warning("title selector %r found nothing; using the generic heading search", profile.title)
    page_titles = [t for t in (_meta_content(soup, "property", "og:title"), text_of(soup.title)) if t]
    folded_titles = [t.casefold() for t in page_titles]
    headings = [h for h in soup.find_all(["h1", "h2", "h3", "h4", "div", "span", "p", "a", "strong"])
                if _heading_like(h)]
    best: tuple[int, Tag] | None = None
    for heading in headings:
        text = text_of(heading)
        if len(text) < 8:
            continue
        folded = text.casefold()
        # Inside furniture (VnExpress calls its main column "sidebar-1") a heading must be most of
        # <title>, so the site name in a header <h1> never wins.
        needed = 0.5 if in_furniture(heading) else 0.0
        if any(folded in t and len(folded) >= needed * len(t) for t in folded_titles):
            rank = len(text) * 10 + (5 if heading.name == "h1" else 0)
            if best is None or rank > best[0]:
                best = (rank, heading)
    if best is not None:
        return best[1], text_of(best[1])
    for heading in soup.find_all(["h1", "h2"]):
        if len(text_of(heading)) >= 8 and not in_furniture(heading):
            return heading, text_of(heading)
    if page_titles:
        return None, _strip_site_suffix(page_titles[0])
    return None, ""


def _heading_like(tag: Tag) -> bool:
    if tag.name in ("h1", "h2", "h3", "h4"):
        return True
    words = " ".join(tag.get("class") or []).lower() + " " + str(tag.get("id") or "").lower()
    return bool(re.search(r"title|tieude|tieu-de|headline|heading", words)) and \
        tag.find(list(BLOCK_TAGS - {"span"})) is None


def _strip_site_suffix(title: str) -> str:
    parts = re.split(r"\s+[-|–—:»]\s+", title)
    return max(parts, key=len) if len(parts) > 1 else title


# -- dates ------------------------------------------------------------------------------------
def _structured_dates(soup: BeautifulSoup) -> list[str]:
    """datePublished from <meta> and JSON-LD (never dateModified), most specific first."""
    found: list[str] = []
    for attr, value in _META_PUBLISHED:
        content = _meta_content(soup, attr, value)
        if content:
            found.append(content)
    for script in soup.find_all("script"):
        try:
            data = json.loads(script.string or "")
        except ValueError:
            data = None
        found += _jsonld_published(data)
        script.decompose()
    for tag in soup.find_all(attrs={"itemprop": "datePublished"}):
        if tag.name != "meta" and (tag.get("datetime") or tag.get("content")):
            found.append(str(tag.get("datetime") or tag.get("content")))
    return found


def _jsonld_published(data: Any) -> list[str]:
    if isinstance(data, list):
        return [d for item in data for d in _jsonld_published(item)]
    if isinstance(data, dict):
        out = [str(data["datePublished"])] if data.get("datePublished") else []
        return out + _jsonld_published(data.get("@graph"))
    return []


def _text_dates(soup: BeautifulSoup, title_el: Tag | None) -> list[_DateCandidate]:
    """Dates in the page text outside furniture, with their distance from the title."""
    nodes = [s for s in soup.find_all(string=True) if s.strip() and s.parent is not None
             and s.parent.name not in ("title", "script", "style")]
    title_pos = 0
    if title_el is not None:
        for i, node in enumerate(nodes):
            if node.parent is title_el or title_el in node.parents:
                title_pos = i
                break
    out: list[_DateCandidate] = []
    for i, node in enumerate(nodes):
        text = clean_text(str(node))
        if not re.search(r"\d{4}", text):
            continue
        matches = find_dates(text)
        if not matches or in_furniture(node, keep=title_el):
            continue
        parent = node.parent
        context = text_of(parent) if parent is not None else text
        before = context[:max(0, context.find(text))][-40:]  # a label in a sibling: "<b>Cập nhật:</b> 20/02"
        short = len(text) <= 80
        if parent is not None and parent.name == "time" and parent.get("datetime"):
            value = parse_date(str(parent["datetime"]))
            if value is not None:
                modified = bool(_MODIFIED.search(before + text[:matches[0].start]))
                out.append(_DateCandidate(value, i - title_pos, short, modified, "time"))
                continue
        previous_end = 0
        for match in matches:
            # only the words since the previous date label this one ("Cập nhật: X | Đăng ngày Y")
            label = (before if previous_end == 0 else "") + text[previous_end:match.start]
            out.append(_DateCandidate(match.value, i - title_pos, short, bool(_MODIFIED.search(label))))
            previous_end = match.end
    return out


def _published(soup: BeautifulSoup, profile: SiteProfile, title_el: Tag | None,
               structured: list[str]) -> tuple[date | datetime | None, str | None, list[_DateCandidate]]:
    """Profile selector, then <meta>/JSON-LD datePublished, then the date nearest the title."""
    today = date.today()
    if profile.date:
        tag = soup.select_one(profile.date)
        if tag is not None:
            raw = str(tag.get("datetime") or tag.get("content") or text_of(tag))
            value = parse_date(raw, profile.date_format)
            if value is not None:
                return value, "profile", []
        log.warning("date selector %r found no date; using the generic date search", profile.date)
    candidates = [c for c in _text_dates(soup, title_el) if day_of(c.value) <= today + timedelta(days=1)]
    # The header's "today" is far from the title; an article of today has its date line right by it.
    candidates = [c for c in candidates if day_of(c.value) != today or abs(c.distance) <= 3]
    best_text = min(candidates, key=_DateCandidate.score) if candidates else None
    for raw in structured:
        value = parse_date(raw)
        if value is None:
            continue
        # Some CMSs stamp the render time into <meta>; the page's own date line wins then.
        if day_of(value) == today and best_text is not None and day_of(best_text.value) != today:
            break
        return value, "meta", candidates
    if best_text is not None:
        return best_text.value, best_text.source, candidates
    return None, None, candidates


def _cross_check(published: date | datetime | None, source: str | None, candidates: list[_DateCandidate],
                 list_date: str | None) -> tuple[date | datetime | None, str | None]:
    """The list page's date beside the link settles a disagreement with a guessed page date."""
    if not list_date:
        return published, source
    listed = parse_date(list_date)
    if listed is None:
        return published, source
    if published is None:
        return listed, "list"
    if day_of(published) == day_of(listed):
        if isinstance(listed, datetime) and not isinstance(published, datetime):
            return listed, source
        return published, source
    matching = [c for c in candidates if day_of(c.value) == day_of(listed)]
    if matching:
        return min(matching, key=_DateCandidate.score).value, "text+list"
    if source in ("text", "time"):
        log.warning("page date %s disagrees with the list date %s; keeping the list date", published, listed)
        return listed, "list"
    return published, source


# -- body, department, attachments ------------------------------------------------------------
def _body(soup: BeautifulSoup, profile: SiteProfile, title_el: Tag | None) -> tuple[list[str], str]:
    if profile.body:
        tags = soup.select(profile.body)
        lines = [line for tag in tags for line in blocks_of(_without_furniture(tag, title_el, strict=False))]
        if sum(map(len, lines)) >= MIN_BODY:
            return lines, "profile"
        log.warning("body selector %r came up short; using the generic extractor", profile.body)
    container = _best_container(soup, title_el)
    if container is not None:
        lines = blocks_of(_without_furniture(container, title_el, strict=True))
        lines = _after_title(lines, title_el, container)
        if sum(map(len, lines)) >= MIN_BODY:
            return lines, "generic"
    root = soup.body or soup
    return blocks_of(_without_furniture(root, title_el, strict=True)), "text"


def _after_title(lines: list[str], title_el: Tag | None, container: Tag) -> list[str]:
    """When the container also holds the heading, the text starts after it."""
    if title_el is None or title_el not in container.descendants:
        return lines
    title = text_of(title_el)
    for i, line in enumerate(lines):
        if line == title:
            return lines[i + 1:]
    return lines


def _without_furniture(tag: Tag, title_el: Tag | None, *, strict: bool) -> Tag:
    """Drop menus, share bars, related lists inside the chosen block (in place: the soup is single-use)."""
    if strict or tag.name in ("body", "[document]"):
        for inner in tag.find_all(True):
            if inner.parent is not None and is_furniture(inner) and not (
                    title_el is not None and (inner is title_el or title_el in inner.descendants)):
                inner.decompose()
    return tag


def _own_text_length(tag: Tag) -> int:
    """Characters of text directly in the tag or its inline children, links excluded."""
    total = 0
    for child in tag.children:
        if isinstance(child, Tag):
            if child.name in BLOCK_TAGS or child.name == "a":
                continue
            total += len(clean_text(child.get_text(" "))) - sum(
                len(clean_text(a.get_text(" "))) for a in child.find_all("a"))
        else:
            total += len(clean_text(str(child)))
    return total


def _best_container(soup: BeautifulSoup, title_el: Tag | None) -> Tag | None:
    """Readability's idea: each paragraph scores its parent fully and its grandparent by half."""
    scores: dict[int, float] = {}
    tags: dict[int, Tag] = {}
    for block in soup.find_all(["p", "div", "td", "li", "blockquote", "pre", "section", "article", "font"]):
        length = _own_text_length(block)
        if length < 25 or in_furniture(block, keep=title_el):
            continue
        target = block.parent if block.name in ("p", "li", "blockquote", "pre", "font") else block
        for weight, tag in ((1.0, target), (0.5, target.parent if target is not None else None)):
            if isinstance(tag, Tag) and tag.name not in ("html", "[document]"):
                scores[id(tag)] = scores.get(id(tag), 0.0) + weight * length
                tags[id(tag)] = tag
    if not scores:
        return None
    return tags[max(scores, key=lambda k: scores[k])]


def _clean_lines(lines: list[str], title: str) -> list[str]:
    """Drop the heading, the date line, counters and share links; cut at a related-posts heading."""
    out: list[str] = []
    for line in lines:
        if _RELATED_HEADING.match(line) and len(line) < 60:
            break
        if line == title or _JUNK_LINE.match(line) or _is_date_line(line):
            continue
        out.append(line)
    return out


def _is_date_line(line: str) -> bool:
    if len(line) > 80:
        return False
    matches = find_dates(line)
    if not matches:
        return False
    rest = line
    for match in reversed(matches):
        rest = rest[:match.start] + rest[match.end:]
    return len(_WEEKDAY.sub("", rest).strip()) < 12


def _department(soup: BeautifulSoup, profile: SiteProfile, lines: list[str],
                url: str) -> tuple[str | None, str | None]:
    """(raw line, normalised department): profile selector, signature line, source line, section default."""
    raw = department = None
    if profile.department:
        tag = soup.select_one(profile.department)
        if tag is not None and text_of(tag):
            raw = text_of(tag)
            department = department_from_line(raw) or raw
    if department is None:
        found = find_signature(lines)
        if found:
            raw, department = found
    if department is None:
        for tag in soup.find_all(class_=_SOURCE_CLASS):
            text = text_of(tag)
            if not text or len(text) > 100:
                continue
            # A source element names a unit or an outlet; an author element counts only for a unit.
            is_source = bool(re.search(r"nguon|source", " ".join(tag.get("class") or []), re.IGNORECASE))
            department = department_from_line(text) or (department_from_line("Nguồn: " + text) if is_source else None)
            if department:
                raw = text
                break
    if department is None:
        fallback = profile.section_department(url)
        return raw, fallback
    # The alias table may list a whole signature ("Thu Hà - Phòng QLTM") or just the unit.
    by_raw = profile.canonical_department(raw) if raw else None
    if by_raw and by_raw != raw:
        return raw, by_raw
    return raw, profile.canonical_department(normalize_department(department))


def _attachments(soup: BeautifulSoup, profile: SiteProfile, base: str, title_el: Tag | None) -> list[dict[str, str]]:
    """Document links (PDF, Word, Excel...) with their text, outside page furniture."""
    links = soup.select(profile.attachments) if profile.attachments else soup.find_all("a", href=True)
    out: list[dict[str, str]] = []
    seen: set[str] = set()
    for link in links:
        href = link.get("href") if link.name == "a" else None
        url = absolute_url(str(href), base) if href else None
        if url is None or url in seen:
            continue
        if not profile.attachments and (not is_document_url(url) or in_furniture(link, keep=title_el)):
            continue
        seen.add(url)
        title = text_of(link) or str(link.get("title") or "") or url.rsplit("/", 1)[-1]
        out.append({"url": url, "title": title})
    return out


def _category(soup: BeautifulSoup, profile: SiteProfile, title: str) -> str | None:
    """Profile selector, else the breadcrumb's last entry that is not the title."""
    if profile.category_selector:
        tag = soup.select_one(profile.category_selector)
        return text_of(tag) or None
    crumb = soup.find(class_=_BREADCRUMB)
    if crumb is None:
        return None
    entries = [text_of(t) for t in crumb.find_all(["a", "span", "li", "p"]) if text_of(t)]
    entries = [e for e in entries if e != title and e.casefold() not in ("trang chủ", "home")]
    return entries[-1] if entries and len(entries[-1]) <= 80 else None
