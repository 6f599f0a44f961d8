"""Atom feeds of searches and the OpenSearch description, built with ElementTree (always escaped)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from html import unescape
from xml.etree import ElementTree as ET

from indexer.search import SearchRequest, SearchResponse

ATOM = "http://www.w3.org/2005/Atom"
OPENSEARCH = "http://a9.com/-/spec/opensearch/1.1/"


def _atom_time(published: str | None) -> str:
    if not published:
        return datetime.now(UTC).isoformat(timespec="seconds")
    return published if "T" in published else f"{published}T00:00:00+07:00"


def atom_feed(response: SearchResponse, request: SearchRequest, *, base_url: str, self_url: str,
              article_url: Callable[[str], str]) -> bytes:
    """Newest matches of a search as Atom, so people can subscribe to "hội nghị" + their department."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    title = f"tracuu: {request.q}" if request.q else "tracuu: bài mới"
    if request.filters():
        title += " (" + ", ".join(request.filters().values()) + ")"
    ET.SubElement(feed, f"{{{ATOM}}}title").text = title
    ET.SubElement(feed, f"{{{ATOM}}}id").text = self_url
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=self_url)
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", href=base_url)
    newest = max((h.published or "" for h in response.results), default="")
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = _atom_time(newest or None)
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = "tracuu"
    for hit in response.results:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}title").text = hit.title or "(không có tiêu đề)"
        ET.SubElement(entry, f"{{{ATOM}}}id").text = hit.url or article_url(hit.id)
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", href=article_url(hit.id))
        if hit.url:
            ET.SubElement(entry, f"{{{ATOM}}}link", rel="via", href=hit.url)
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _atom_time(hit.published)
        ET.SubElement(entry, f"{{{ATOM}}}published").text = _atom_time(hit.published)
        if hit.department:
            ET.SubElement(entry, f"{{{ATOM}}}category", term=hit.department)
        # the snippet is our own escaped HTML with <mark>; a feed summary is plain text
        ET.SubElement(entry, f"{{{ATOM}}}summary").text = unescape(re.sub(r"</?mark>", "", hit.snippet))
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def opensearch_description(*, search_url: str, feed_url: str, api_url: str) -> bytes:
    """Lets a browser add tracuu as a search engine."""
    ET.register_namespace("", OPENSEARCH)
    root = ET.Element(f"{{{OPENSEARCH}}}OpenSearchDescription")
    ET.SubElement(root, f"{{{OPENSEARCH}}}ShortName").text = "tracuu"
    ET.SubElement(root, f"{{{OPENSEARCH}}}Description").text = "Tra cứu tin bài của cơ quan nhà nước"
    ET.SubElement(root, f"{{{OPENSEARCH}}}InputEncoding").text = "UTF-8"
    ET.SubElement(root, f"{{{OPENSEARCH}}}Language").text = "vi"
    ET.SubElement(root, f"{{{OPENSEARCH}}}Url", type="text/html", method="get",
                  template=f"{search_url}?q={{searchTerms}}")
    ET.SubElement(root, f"{{{OPENSEARCH}}}Url", type="application/atom+xml",
                  template=f"{feed_url}?q={{searchTerms}}")
    ET.SubElement(root, f"{{{OPENSEARCH}}}Url", type="application/json",
                  template=f"{api_url}?q={{searchTerms}}")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
