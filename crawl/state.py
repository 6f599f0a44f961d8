"""Crawl bookkeeping kept in the archive database, so an interrupted crawl resumes where it stopped.

Tables (created on first use, alongside the archive's own):
  crawl_pages  one row per URL the crawler decided about: list pages (for conditional GETs), articles
               skipped by a rule (so they are not asked for again), sitemap lastmods (silent edits)
  crawl_queue  article links found on a list page but not fetched yet: resumed first on the next run
  crawl_state  small per-site values, e.g. the list page to continue from after an interruption
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from archive import Archive, now_iso

_SCHEMA = """
CREATE TABLE IF NOT EXISTS crawl_pages (
    url             TEXT PRIMARY KEY,
    site            TEXT NOT NULL,
    kind            TEXT NOT NULL,  -- 'list', 'article', 'skipped', 'failed'
    status          TEXT,           -- the last outcome, e.g. 'new', '304', 'not HTML (application/pdf)'
    canonical       TEXT,           -- the article id it led to, when different from url
    etag            TEXT,
    last_modified   TEXT,
    sitemap_lastmod TEXT,           -- as the sitemap last said; a change means a silent edit
    last_fetched    TEXT
);
CREATE TABLE IF NOT EXISTS crawl_queue (
    site      TEXT NOT NULL,
    url       TEXT NOT NULL,
    title     TEXT,
    list_date TEXT,
    added     TEXT NOT NULL,
    PRIMARY KEY (site, url)
);
CREATE TABLE IF NOT EXISTS crawl_state (
    site  TEXT NOT NULL,
    key   TEXT NOT NULL,
    value TEXT,
    PRIMARY KEY (site, key)
);
"""


@dataclass
class PageInfo:
    url: str
    kind: str
    status: str | None
    canonical: str | None
    etag: str | None
    last_modified: str | None
    sitemap_lastmod: str | None


@dataclass
class QueuedItem:
    url: str
    title: str
    list_date: str | None


class CrawlState:
    """Read and write the crawl tables through the archive's connection."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self.conn: sqlite3.Connection = archive.conn
        self.conn.executescript(_SCHEMA)

    # -- pages --------------------------------------------------------------------------------
    def page(self, url: str) -> PageInfo | None:
        row = self.conn.execute(
            "SELECT url, kind, status, canonical, etag, last_modified, sitemap_lastmod FROM crawl_pages"
            " WHERE url = ?", (url,)).fetchone()
        return PageInfo(*row) if row else None

    def record_page(self, url: str, site: str, kind: str, status: str | None, *, canonical: str | None = None,
                    etag: str | None = None, last_modified: str | None = None) -> None:
        self.conn.execute(
            "INSERT INTO crawl_pages (url, site, kind, status, canonical, etag, last_modified, last_fetched)"
            " VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(url) DO UPDATE SET site=excluded.site, kind=excluded.kind,"
            " status=excluded.status, canonical=COALESCE(excluded.canonical, canonical),"
            " etag=COALESCE(excluded.etag, etag), last_modified=COALESCE(excluded.last_modified, last_modified),"
            " last_fetched=excluded.last_fetched",
            (url, site, kind, status, canonical, etag, last_modified, now_iso()),
        )
        self.conn.commit()

    def set_sitemap_lastmod(self, url: str, site: str, lastmod: str) -> None:
        self.conn.execute(
            "INSERT INTO crawl_pages (url, site, kind, sitemap_lastmod) VALUES (?,?,'article',?)"
            " ON CONFLICT(url) DO UPDATE SET sitemap_lastmod=excluded.sitemap_lastmod",
            (url, site, lastmod),
        )

    def seen(self, url: str) -> bool:
        """Archived, or decided about for good (skipped by a rule): no need to fetch it again."""
        if self.archive.fetch_info(url) is not None:
            return True
        row = self.conn.execute("SELECT kind, canonical FROM crawl_pages WHERE url = ?", (url,)).fetchone()
        if row is None:
            return False
        if row[0] == "skipped":
            return True
        return row[1] is not None and self.archive.fetch_info(row[1]) is not None

    # -- queue --------------------------------------------------------------------------------
    def enqueue(self, site: str, items: list[QueuedItem]) -> None:
        now = now_iso()
        self.conn.executemany(
            "INSERT OR IGNORE INTO crawl_queue (site, url, title, list_date, added) VALUES (?,?,?,?,?)",
            [(site, item.url, item.title, item.list_date, now) for item in items],
        )
        self.conn.commit()

    def dequeue(self, site: str, url: str) -> None:
        self.conn.execute("DELETE FROM crawl_queue WHERE site = ? AND url = ?", (site, url))
        self.conn.commit()

    def pending(self, site: str) -> list[QueuedItem]:
        rows = self.conn.execute(
            "SELECT url, title, list_date FROM crawl_queue WHERE site = ? ORDER BY added, rowid", (site,))
        return [QueuedItem(*row) for row in rows]

    # -- small values -------------------------------------------------------------------------
    def get(self, site: str, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM crawl_state WHERE site = ? AND key = ?", (site, key)).fetchone()
        return row[0] if row else None

    def set(self, site: str, key: str, value: str | None) -> None:
        if value is None:
            self.conn.execute("DELETE FROM crawl_state WHERE site = ? AND key = ?", (site, key))
        else:
            self.conn.execute(
                "INSERT INTO crawl_state (site, key, value) VALUES (?,?,?)"
                " ON CONFLICT(site, key) DO UPDATE SET value=excluded.value", (site, key, value))
        self.conn.commit()

    def commit(self) -> None:
        self.conn.commit()
