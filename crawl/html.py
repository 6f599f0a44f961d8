"""HTML helpers shared by article and list extraction: parsing, boilerplate zones, text blocks."""

from __future__ import annotations

import re
import unicodedata

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import Comment

from crawl.fetch import decode_html
from crawl.profiles import SiteProfile

# Elements that never hold article text.
DROP_TAGS = ("script", "style", "noscript", "template", "svg", "iframe", "object", "embed", "canvas", "select",
             "button", "input", "textarea")
BLOCK_TAGS = {"p", "div", "td", "th", "tr", "li", "ul", "ol", "table", "tbody", "thead", "section", "article",
              "main", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "dd", "dt", "dl", "figure",
              "figcaption", "header", "footer", "aside", "nav", "center", "form", "address", "hr"}

# Class/id words of page furniture. "Strong" ones are never content; "weak" ones (header, top...) are
# furniture only when the same class/id does not also say article/detail/content.
_STRONG = re.compile(
    r"(?<![a-z])(menu|navbar|nav|sidebar|side-bar|footer|breadcrumbs?|related|lienquan|lien-quan|tinlienquan"
    r"|tin-lien-quan|othernews|other|tinkhac|tin-khac|cung-chuyen-muc|cungchuyenmuc|more-news|comments?"
    r"|binh-luan|share|sharing|social|tags?|counter|visitor|thongke|thong-ke|luot-xem|luotxem|views?"
    r"|quangcao|quang-cao|advert|ads|banner|weather|clock|today|now|login|search|timkiem|copyright"
    r"|pagination|paging|phan-trang|print|rating|toolbar|hotline|marquee|slider|popup|modal|cookie)(?![a-z])"
)
_WEAK = re.compile(r"(?<![a-z])(header|top|topbar|head|logo)(?![a-z])")
_CONTENT = re.compile(r"(article|detail|content|chitiet|chi-tiet|noidung|noi-dung|entry|post|body|title|news-?view)")
_FURNITURE_TAGS = {"nav", "footer", "aside"}


def parse_html(html: bytes | str) -> BeautifulSoup:
    """Parse with the stdlib parser and drop scripts, styles and comments."""
    if isinstance(html, bytes):
        html = html.decode("utf-8", errors="replace")
    soup = BeautifulSoup(unicodedata.normalize("NFC", html), "html.parser")
    for tag in soup.find_all(DROP_TAGS):
        if tag.name == "script" and "ld+json" in str(tag.get("type") or ""):
            continue  # JSON-LD holds datePublished; extraction reads it, then drops it
        tag.decompose()
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    return soup


def page_soup(html: bytes | str, content_type: str | None, profile: SiteProfile) -> BeautifulSoup:
    """Decode, parse and drop the profile's `remove` elements: the first step of every extraction."""
    text = decode_html(html, content_type, profile.encoding) if isinstance(html, bytes) else html
    soup = parse_html(text)
    for selector in profile.remove:
        for tag in soup.select(selector):
            tag.decompose()
    return soup


def attr_words(tag: Tag) -> str:
    """Lower-cased class and id of a tag, for furniture detection."""
    classes = tag.get("class") or []
    if isinstance(classes, str):
        classes = [classes]
    return " ".join([*classes, str(tag.get("id") or "")]).lower()


def is_furniture(tag: Tag) -> bool:
    """Menus, headers, sidebars, related lists, footers, counters: never the article."""
    if tag.name in _FURNITURE_TAGS:
        return True
    words = attr_words(tag)
    if tag.name == "header":
        return not _CONTENT.search(words) and tag.find_parent(["article", "main"]) is None
    if not words.strip():
        return False
    if _STRONG.search(words):
        return True
    return bool(_WEAK.search(words)) and not _CONTENT.search(words)


def in_furniture(node: Tag | NavigableString, keep: Tag | None = None) -> bool:
    """True when the node lies inside furniture (an ancestor of `keep` never counts as furniture)."""
    element = node if isinstance(node, Tag) else node.parent
    while element is not None and element.name not in ("[document]", "body", "html"):
        if isinstance(element, Tag) and is_furniture(element):
            if keep is None or not (element is keep or keep in element.descendants):
                return True
        element = element.parent
    return False


def clean_text(text: str) -> str:
    """Collapse whitespace (including no-break spaces) to single spaces."""
    return " ".join(text.replace("\xa0", " ").replace("\u200b", "").split())


def text_of(tag: Tag | None) -> str:
    return clean_text(tag.get_text(" ")) if tag is not None else ""


def blocks_of(container: Tag) -> list[str]:
    """The container's text as paragraphs: a break at every block element and <br>."""
    parts: list[str] = []
    current: list[str] = []

    def flush() -> None:
        line = clean_text("".join(current))
        if line:
            parts.append(line)
        current.clear()

    def walk(node: Tag) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                current.append(str(child))
            elif isinstance(child, Tag):
                if child.name == "br":
                    flush()
                elif child.name in BLOCK_TAGS:
                    flush()
                    walk(child)
                    flush()
                else:
                    walk(child)

    walk(container)
    flush()
    return parts
