"""Sitemaps: each URL's <lastmod>, to catch silent edits of old posts that list pages never show."""

from __future__ import annotations

import gzip
import logging
import xml.etree.ElementTree as ET
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SitemapEntry:
    url: str
    lastmod: str | None


@dataclass
class Sitemap:
    entries: list[SitemapEntry]
    children: list[str]  # nested sitemaps of a sitemap index


def parse_sitemap(content: bytes) -> Sitemap:
    """Parse a sitemap or sitemap index (gzip accepted); malformed XML gives an empty result."""
    if content[:2] == b"\x1f\x8b":
        try:
            content = gzip.decompress(content)
        except OSError:
            return Sitemap([], [])
    try:
        root = ET.fromstring(content)
    except ET.ParseError as exc:
        log.warning("sitemap is not valid XML (%s)", exc)
        return Sitemap([], [])
    entries: list[SitemapEntry] = []
    children: list[str] = []
    for node in root:
        tag = node.tag.rsplit("}", 1)[-1]
        values = {child.tag.rsplit("}", 1)[-1]: (child.text or "").strip() for child in node}
        if not values.get("loc"):
            continue
        if tag == "sitemap":
            children.append(values["loc"])
        elif tag == "url":
            entries.append(SitemapEntry(values["loc"], values.get("lastmod") or None))
    return Sitemap(entries, children)
