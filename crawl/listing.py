"""List pages: the article links a news list shows, the date beside each, and the next page."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from bs4 import BeautifulSoup, Tag

from archive import normalize_published
from crawl.dates import find_dates, parse_date
from crawl.html import in_furniture, page_soup, text_of
from crawl.profiles import SiteProfile, generic_profile
from crawl.urls import absolute_url, host_allowed, host_of, is_document_url

log = logging.getLogger(__name__)

_NEXT_TEXTS = {"›", "»", ">", ">>", "sau", "trang sau", "tiếp", "tiếp theo", "trang tiếp", "next", "next »",
               "tiếp »", "sau »", "›› ", "»»"}
_PAGE_PATH = re.compile(r"/(?:page|trang|p)-(\d+)(?:/|\.html?)?$", re.IGNORECASE)
_PAGE_PARAM = re.compile(r"^(?:page|p|trang|pageindex|pg|cur|.*_cur|pagenumber|currentpage)$", re.IGNORECASE)
_ARTICLE_EXT = (".html", ".htm", ".aspx", ".php", ".jsp", ".asp")


@dataclass(frozen=True)
class ListItem:
    """One entry of a news list: the article URL, the title shown and the date beside it (ISO)."""

    url: str
    title: str
    date: str | None = None


@dataclass
class ListPage:
    url: str
    items: list[ListItem] = field(default_factory=list)
    next_url: str | None = None


def page_number(url: str) -> int | None:
    """The list page number a URL carries (/page-3, ?page=3, Liferay's _101_cur=3), if any."""
    parts = urlsplit(url)
    match = _PAGE_PATH.search(parts.path)
    if match:
        return int(match.group(1))
    for key, value in parse_qsl(parts.query):
        if _PAGE_PARAM.match(key) and value.isdigit():
            return int(value)
    return None


def looks_like_article(url: str, text: str, profile: SiteProfile) -> bool:
    """Article links carry an id or a long slug and a title of several words; menus and pagers do not."""
    verdict = profile.is_article_url(url)
    if verdict is not None:
        return verdict
    if is_document_url(url) or page_number(url) is not None or len(text.split()) < 4:
        return False
    parts = urlsplit(url)
    last = parts.path.rstrip("/").rsplit("/", 1)[-1]
    if re.search(r"\d", parts.path + parts.query):
        return len(last) > 3 or bool(parts.query)
    # Without an id, only a long slug ("hoi-nghi-tong-ket-thi-dua-nam-2018.html") is an article,
    # not a section page ("thong-tin-du-an.html").
    return last.lower().endswith(_ARTICLE_EXT) and last.strip("-").count("-") >= 5


def extract_list(html: bytes | str, url: str, profile: SiteProfile | None = None, *,
                 content_type: str | None = None) -> ListPage:
    """Article links (with the title and date shown) and the next-page link of one list page."""
    profile = profile or generic_profile(url)
    soup = page_soup(html, content_type, profile)
    hosts = profile.allowed_hosts + (host_of(url),)
    if profile.list_item:
        items = _profile_items(soup, url, profile, hosts)
    else:
        items = _generic_items(soup, url, profile, hosts)
    return ListPage(url=url, items=items, next_url=_next_url(soup, url, profile, hosts))


def _profile_items(soup: BeautifulSoup, url: str, profile: SiteProfile, hosts: tuple[str, ...]) -> list[ListItem]:
    items: list[ListItem] = []
    seen: set[str] = set()
    for block in soup.select(profile.list_item or ""):
        links = block.select(profile.list_link) if profile.list_link else block.find_all("a", href=True)
        links = [a for a in links if a.get("href")]
        if not links:
            continue
        link = max(links, key=lambda a: len(text_of(a)))
        target = absolute_url(str(link["href"]), url)
        if target is None or target in seen or not host_allowed(target, hosts):
            continue
        seen.add(target)
        title = text_of(link) or str(link.get("title") or "")
        date_tag = block.select_one(profile.list_date) if profile.list_date else None
        date_text = text_of(date_tag) if date_tag is not None else text_of(block).replace(title, " ")
        items.append(ListItem(target, title, _iso(parse_date(date_text, profile.date_format if date_tag else None))))
    return items


def _generic_items(soup: BeautifulSoup, url: str, profile: SiteProfile, hosts: tuple[str, ...]) -> list[ListItem]:
    """Article-like links outside menus; the item is the largest block around a link holding no other."""
    page = urlsplit(url)._replace(fragment="").geturl()
    candidates: dict[str, list[Tag]] = {}
    for link in soup.find_all("a", href=True):
        target = absolute_url(str(link["href"]), url)
        if target is None or target == page or not host_allowed(target, hosts):
            continue
        title = text_of(link) or str(link.get("title") or "")
        if not looks_like_article(target, title, profile) or in_furniture(link):
            continue
        candidates.setdefault(target, []).append(link)
    items: list[ListItem] = []
    for target, links in candidates.items():
        link = max(links, key=lambda a: len(text_of(a) or str(a.get("title") or "")))
        title = text_of(link) or str(link.get("title") or "")
        block = _item_block(link, target, url, set(candidates))
        rest = text_of(block).replace(title, " ")
        found = find_dates(rest)
        items.append(ListItem(target, title, _iso(found[0].value) if found else None))
    return items


def _item_block(link: Tag, target: str, page_url: str, article_urls: set[str]) -> Tag:
    """Climb from the link while the ancestor links to no other article."""
    block = link
    for parent in link.parents:
        if parent.name in ("body", "html", "[document]"):
            break
        others = {absolute_url(str(a["href"]), page_url) for a in parent.find_all("a", href=True)}
        if (others & article_urls) - {target}:
            break
        block = parent
    return block


def _iso(value: object) -> str | None:
    try:
        return normalize_published(value) if value is not None else None
    except ValueError:
        return None


def _next_url(soup: BeautifulSoup, url: str, profile: SiteProfile, hosts: tuple[str, ...]) -> str | None:
    """Profile selector, then rel=next, then a "next" link, then the link to page N+1."""

    def usable(href: object) -> str | None:
        target = absolute_url(str(href), url) if href else None
        if target and target != url and host_allowed(target, hosts) and not is_document_url(target):
            return target
        return None

    if profile.next_page:
        tag = soup.select_one(profile.next_page)
        href = tag.get("href") if tag is not None else None
        return usable(href)
    for tag in soup.find_all(["a", "link"], rel="next", href=True):
        if found := usable(tag["href"]):
            return found
    current = page_number(url) or 1
    numbered: str | None = None
    for link in soup.find_all("a", href=True):
        label = text_of(link).lower() or str(link.get("title") or "").lower()
        if label in _NEXT_TEXTS or label.rstrip(" »›>") in ("sau", "tiếp", "trang sau", "next", "tiếp theo"):
            target = usable(link["href"])
            if target and (page_number(target) or current + 1) > current:
                return target
        if numbered is None and label == str(current + 1):
            target = usable(link["href"])
            if target and page_number(target) in (current + 1, None):
                numbered = target
    return numbered
