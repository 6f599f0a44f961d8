"""Atom feeds of searches and the OpenSearch description, built with ElementTree (always escaped).

ElementTree escapes markup but happily writes characters XML 1.0 forbids (a form feed copied from a
PDF, a NUL typed into `q`), so every text goes through `_xml_text` first: a feed reader rejects the
whole feed for one bad character. The default namespace is a plain `xmlns` attribute rather than
`ET.register_namespace`, which is global and would race between the feed and OpenSearch threads.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from html import unescape
from xml.etree import ElementTree as ET

from indexer.engine import FILETYPES, SearchRequest, SearchResponse
from webapp.filters import safe_url

ATOM = "http://www.w3.org/2005/Atom"
OPENSEARCH = "http://a9.com/-/spec/opensearch/1.1/"

_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)


def _atom_time(published: str | None) -> str:
    if not published:
        return datetime.now(UTC).isoformat(timespec="seconds")
    return published if "T" in published else f"{published}T00:00:00+07:00"


def _add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: _xml_text(v) for k, v in attrs.items()})
    if text is not None:
        element.text = _xml_text(text)
    return element


def feed_title(request: SearchRequest) -> str:
    title = f"tracuu: {request.q.strip()}" if request.q.strip() else "tracuu: bài mới"
    if request.filters():
        title += " (" + ", ".join(FILETYPES.get(v, v) if k == "filetype" else v
                                  for k, v in request.filters().items()) + ")"
    return title


def atom_feed(response: SearchResponse, request: SearchRequest, *, self_url: str, alternate_url: str,
              article_url: Callable[[str], str]) -> bytes:
    """Newest matches of a search as Atom, so people can subscribe to "hội nghị" + their department."""
    feed = ET.Element("feed", xmlns=ATOM)
    _add(feed, "title", feed_title(request))
    _add(feed, "id", self_url)
    _add(feed, "link", rel="self", href=self_url)
    _add(feed, "link", rel="alternate", type="text/html", href=alternate_url)
    newest = max((h.published or "" for h in response.results), default="")
    _add(feed, "updated", _atom_time(newest or None))
    _add(_add(feed, "author"), "name", "tracuu")
    for hit in response.results:
        entry = _add(feed, "entry")
        _add(entry, "title", hit.title or "(không có tiêu đề)")
        original = safe_url(hit.url)
        _add(entry, "id", original or article_url(hit.id))
        _add(entry, "link", rel="alternate", type="text/html", href=article_url(hit.id))
        if original:
            _add(entry, "link", rel="via", href=original)
        _add(entry, "updated", _atom_time(hit.published))
        _add(entry, "published", _atom_time(hit.published))
        for term in (hit.department, hit.category):
            if term:
                _add(entry, "category", term=term)
        # the snippet is our own escaped HTML with <mark>; a feed summary is plain text
        _add(entry, "summary", unescape(re.sub(r"</?mark>", "", hit.snippet)))
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def opensearch_description(*, search_url: str, feed_url: str, api_url: str, icon_url: str) -> bytes:
    """Lets a browser add tracuu as a search engine."""
    root = ET.Element("OpenSearchDescription", xmlns=OPENSEARCH)
    _add(root, "ShortName", "tracuu")
    _add(root, "Description", "Tra cứu tin bài của cơ quan nhà nước")
    _add(root, "InputEncoding", "UTF-8")
    _add(root, "Language", "vi")
    _add(root, "Image", icon_url, type="image/svg+xml", width="16", height="16")
    _add(root, "Url", type="text/html", method="get", template=f"{search_url}?q={{searchTerms}}")
    _add(root, "Url", type="application/atom+xml", template=f"{feed_url}?q={{searchTerms}}")
    _add(root, "Url", type="application/json", template=f"{api_url}?q={{searchTerms}}")
    _add(root, "OutputEncoding", "UTF-8")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
