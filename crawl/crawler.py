"""`crawl_sites`: walk each site's news lists newest first and store new and changed articles.

Per site:
  1. fetch articles left in the queue by an interrupted run;
  2. for each start URL, read list pages in order; fetch every item not seen before; stop paging at
     the first page with no unseen item (an item already met in this run, like a pinned post, counts
     as seen), then continue an earlier interrupted or capped walk if one is recorded;
  3. read the sitemap: an article whose <lastmod> changed since the last run is fetched again with a
     conditional GET, which is how silent edits of old posts are found.
An article's attached files are fetched and read before it is stored (`crawl.attachments`), when a
`FileStore` is given.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from archive import Archive, FileStore
from crawl.attachments import AttachmentReader
from crawl.extract import extract_article
from crawl.fetch import XML_TYPES, Fetcher, FetchResult
from crawl.listing import ListItem, extract_list
from crawl.profiles import SiteProfile
from crawl.sitemap import parse_sitemap
from crawl.state import CrawlState, QueuedItem
from crawl.urls import absolute_url, host_allowed, is_document_url

log = logging.getLogger(__name__)

MAX_SITEMAPS = 20  # nested sitemaps read per site and run


@dataclass
class CrawlEvent:
    """One step of a crawl, for a progress line: kind is 'list', 'article', 'attachment', 'skip' or 'error'."""

    site: str
    url: str
    kind: str
    status: str


@dataclass
class CrawlStats:
    """What a crawl did; `per_site` holds the same counts for each site id."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    not_modified: int = 0
    failed: int = 0
    skipped: int = 0
    requests: int = 0
    list_pages: int = 0
    seconds: float = 0.0
    failures: list[tuple[str, str]] = field(default_factory=list)
    per_site: dict[str, CrawlStats] = field(default_factory=dict)
    # attached files: read, found unchanged (304 or same hash), bad or not downloaded, refused by a rule
    attachments_new: int = 0
    attachments_unchanged: int = 0
    attachments_failed: int = 0
    attachments_skipped: int = 0
    attachment_failures: list[tuple[str, str]] = field(default_factory=list)

    def add(self, other: CrawlStats) -> None:
        for name in ("new", "updated", "unchanged", "not_modified", "failed", "skipped", "requests",
                     "list_pages", "attachments_new", "attachments_unchanged", "attachments_failed",
                     "attachments_skipped"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.failures += other.failures
        self.attachment_failures += other.attachment_failures


def crawl_sites(profiles: list[SiteProfile], archive: Archive, *, user_agent: str, min_delay: float = 1.0,
                timeout: float = 20.0, max_bytes: int = 5_000_000, max_pages: int | None = None,
                progress: Callable[[CrawlEvent], None] | None = None, retries: int = 2,
                backoff: float = 1.0, clock: Callable[[], float] = time.monotonic,
                sleep: Callable[[float], None] = time.sleep, files: FileStore | None = None,
                attachment_max_bytes: int = 20_000_000) -> CrawlStats:
    """Crawl the sites one after another into the archive; returns counts for the summary.

    `min_delay` is the least time between two requests to one host; a profile or robots.txt may
    lengthen it. `max_pages` caps list pages per start URL (the rest is continued next run).
    `clock` and `sleep` time those waits (see `Fetcher`); the summary's seconds are always real.
    Attached files are downloaded (up to `attachment_max_bytes` each) and kept in `files`; without
    `files`, or with a cap of 0, articles keep plain links.
    """
    started = time.monotonic()
    total = CrawlStats()
    state = CrawlState(archive)
    with Fetcher(user_agent, min_delay=min_delay, timeout=timeout, max_bytes=max_bytes, retries=retries,
                 backoff=backoff, clock=clock, sleep=sleep) as fetcher:
        for profile in profiles:
            before = fetcher.requests
            site_stats = SiteCrawl(profile, archive, state, fetcher, max_pages=max_pages, progress=progress,
                                   files=files, attachment_max_bytes=attachment_max_bytes).run()
            site_stats.requests = fetcher.requests - before
            total.add(site_stats)
            total.per_site[profile.id] = site_stats
    total.seconds = time.monotonic() - started
    return total


class SiteCrawl:
    """One site's crawl: list walking, article fetching, sitemap check."""

    def __init__(self, profile: SiteProfile, archive: Archive, state: CrawlState, fetcher: Fetcher, *,
                 max_pages: int | None = None, progress: Callable[[CrawlEvent], None] | None = None,
                 files: FileStore | None = None, attachment_max_bytes: int = 0) -> None:
        self.profile = profile
        self.archive = archive
        self.state = state
        self.fetcher = fetcher
        self.max_pages = max_pages or profile.max_list_pages
        self.progress = progress
        self.stats = CrawlStats()
        self.met: set[str] = set()  # article URLs met in this run, fetched or not
        self.fetched: set[str] = set()  # article URLs requested in this run
        for host in profile.allowed_hosts:
            fetcher.set_delay(host, profile.delay)
        self.attachments: AttachmentReader | None = None
        if files is not None and attachment_max_bytes > 0:
            self.attachments = AttachmentReader(
                fetcher, state, files, site=profile.id, allowed_hosts=profile.allowed_hosts,
                max_bytes=attachment_max_bytes, report=lambda url, outcome: self._event(url, "attachment", outcome))

    def run(self) -> CrawlStats:
        started = time.monotonic()
        pending = self.state.pending(self.profile.id)
        if pending:
            log.info("%s: resuming %d article(s) left by an interrupted crawl", self.profile.id, len(pending))
            for item in pending:
                self.fetch_article(ListItem(item.url, item.title, item.list_date))
        for start_url in self.profile.start_urls:
            self.walk_list(start_url)
        if self.profile.sitemap:
            self.check_sitemaps()
        self.stats.seconds = time.monotonic() - started
        self._count_attachments()
        s = self.stats
        log.info("%s: %d new, %d updated, %d unchanged, %d not modified, %d failed, %d skipped; %d list pages",
                 self.profile.id, s.new, s.updated, s.unchanged, s.not_modified, s.failed, s.skipped, s.list_pages)
        return self.stats

    def _count_attachments(self) -> None:
        if self.attachments is None:
            return
        counts = self.attachments.counts
        s = self.stats
        s.attachments_new, s.attachments_unchanged = counts.new, counts.unchanged
        s.attachments_failed, s.attachments_skipped = counts.failed, counts.skipped
        s.attachment_failures = list(counts.failures)
        log.info("%s: attachments: %d read, %d unchanged, %d failed, %d skipped", self.profile.id, counts.new,
                 counts.unchanged, counts.failed, counts.skipped)

    # -- events -------------------------------------------------------------------------------
    def _event(self, url: str, kind: str, status: str) -> None:
        if self.progress is not None:
            self.progress(CrawlEvent(self.profile.id, url, kind, status))

    def _fail(self, url: str, reason: str) -> None:
        log.warning("%s: %s: %s", self.profile.id, url, reason)
        self.stats.failed += 1
        self.stats.failures.append((url, reason))
        self._event(url, "error", reason)

    def _skip(self, url: str, reason: str) -> None:
        log.debug("%s: skipped %s: %s", self.profile.id, url, reason)
        self.stats.skipped += 1
        self.state.record_page(url, self.profile.id, "skipped", reason)
        self._event(url, "skip", reason)

    # -- list pages ---------------------------------------------------------------------------
    def walk_list(self, start_url: str) -> None:
        """Read list pages from start_url until a page brings nothing unseen (see the module docstring).

        The next list page is recorded before a page's articles are fetched, so a crawl interrupted
        there (or capped by max_pages) continues from it once the newest pages are caught up.
        """
        key = "resume:" + start_url
        earlier = self.state.get(self.profile.id, key)
        url: str | None = start_url
        visited: set[str] = set()
        pages = 0
        while url and url not in visited:
            if self.max_pages and pages >= self.max_pages:
                log.info("%s: stopped after %d list pages; the next run continues at %s", self.profile.id, pages, url)
                self.state.set(self.profile.id, key, url)
                return
            visited.add(url)
            pages += 1
            outcome = self.read_list_page(url, key)
            if outcome is None:  # the page failed: try it again next run
                if url != start_url:
                    self.state.set(self.profile.id, key, url)
                return
            unseen, next_url = outcome
            if unseen == 0:
                if earlier and earlier not in visited:
                    log.info("%s: nothing new on %s; continuing an earlier crawl at %s", self.profile.id, url,
                             earlier)
                    url, earlier, pages = earlier, None, 0
                    continue
                log.debug("%s: no unseen items on %s; stop paging", self.profile.id, url)
                break
            url = next_url
        self.state.set(self.profile.id, key, None)

    def read_list_page(self, url: str, resume_key: str) -> tuple[int, str | None] | None:
        """Fetch one list page and its unseen articles; (unseen count, next page) or None on failure."""
        info = self.state.page(url)
        result = self.fetcher.get(url, allowed_hosts=self.profile.allowed_hosts,
                                  etag=info.etag if info else None, last_modified=info.last_modified if info else None)
        self.stats.list_pages += 1
        if result.not_modified:
            self._event(url, "list", "304")
            return 0, None
        if not result.ok:
            self._fail(url, result.error or f"HTTP {result.status}")
            return None
        try:
            page = extract_list(result.content, result.final_url, self.profile, content_type=result.content_type)
        except Exception as exc:  # noqa: BLE001 - a page that fails to parse must not stop the crawl
            self._fail(url, f"list page could not be parsed ({type(exc).__name__}: {exc})")
            return None
        self._event(url, "list", str(len(page.items)))
        if not page.items:
            log.warning("%s: no article links found on %s; set [list] selectors in %s", self.profile.id, url,
                        self.profile.source or "the profile")
        unseen = [item for item in page.items if item.url not in self.met and not self.state.seen(item.url)]
        self.met.update(item.url for item in page.items)
        self.state.enqueue(self.profile.id, [QueuedItem(i.url, i.title, i.date) for i in unseen])
        if unseen and page.next_url:
            self.state.set(self.profile.id, resume_key, page.next_url)
        for item in unseen:
            self.fetch_article(item)
        self.state.record_page(url, self.profile.id, "list", f"{len(unseen)} new", etag=result.etag,
                               last_modified=result.last_modified)
        return len(unseen), page.next_url

    # -- articles -----------------------------------------------------------------------------
    def fetch_article(self, item: ListItem, *, refetch: bool = False) -> None:
        """Fetch one article (conditionally when archived) and upsert it."""
        url = item.url
        self.met.add(url)
        try:
            self._fetch_article(item, refetch=refetch)
        finally:
            self.state.dequeue(self.profile.id, url)

    def _fetch_article(self, item: ListItem, *, refetch: bool) -> None:
        url = item.url
        if is_document_url(url):
            self._skip(url, "a document, not a web page")
            return
        known = self.archive.fetch_info(url)
        if known is not None and not refetch:
            return
        self.fetched.add(url)
        result = self.fetcher.get(url, allowed_hosts=self.profile.allowed_hosts,
                                  etag=known.etag if known else None,
                                  last_modified=known.last_modified if known else None)
        if result.not_modified and known is not None:
            self.archive.touch(known.id, etag=result.etag, last_modified=result.last_modified)
            self.stats.not_modified += 1
            self._event(url, "article", "304")
            self._read_missing_attachments(known.id)
            return
        if result.skipped:
            self._skip(url, result.error or "skipped")
            return
        if not result.ok:
            self._fail(url, result.error or f"HTTP {result.status}")
            self.state.record_page(url, self.profile.id, "failed", result.error)
            return
        self._store(item, result)

    def _store(self, item: ListItem, result: FetchResult) -> None:
        url = item.url
        try:
            extracted = extract_article(result.content, result.final_url, self.profile,
                                        content_type=result.content_type, list_date=item.date)
        except Exception as exc:  # noqa: BLE001 - log the URL and reason, keep crawling
            self._fail(url, f"page could not be parsed ({type(exc).__name__}: {exc})")
            return
        if not extracted.title and not extracted.body:
            self._fail(url, "no title or text found; check the profile's [article] selectors")
            return
        if not extracted.title and item.title:
            extracted.title = item.title
        article = extracted.to_article(site=self.profile.id, category=self.profile.category)
        if self.attachments is not None and article.attachments:
            before = self.archive.get(article.id)
            article.attachments = self.attachments.read(article.attachments, before.attachments if before else [])
        status = self.archive.upsert(article, etag=result.etag, last_modified=result.last_modified)
        canonical = extracted.url if extracted.url != url else None
        self.state.record_page(url, self.profile.id, "article", status, canonical=canonical)
        if canonical:
            self.met.add(canonical)
        setattr(self.stats, status, getattr(self.stats, status) + 1)
        self._event(url, "article", status)

    def _read_missing_attachments(self, article_id: str) -> None:
        """An unchanged article revisited: read the attachments an earlier crawl did not (archived before
        attachments were read, or a download that failed), without a request for the others."""
        if self.attachments is None:
            return
        article = self.archive.get(article_id)
        if article is None or not self.attachments.has_missing(article.attachments):
            return
        article.attachments = self.attachments.read(article.attachments, article.attachments, only_missing=True)
        info = self.archive.fetch_info(article_id)
        status = self.archive.upsert(article, etag=info.etag if info else None,
                                     last_modified=info.last_modified if info else None)
        if status == "updated":  # counted as not modified already: the page itself did not change
            self._event(article.url or article_id, "article", "attachments read")

    # -- sitemaps -----------------------------------------------------------------------------
    def sitemap_urls(self) -> list[str]:
        if isinstance(self.profile.sitemap, str):
            return [self.profile.sitemap]
        start = self.profile.start_urls[0]
        announced = self.fetcher.sitemaps(start)
        if announced:
            return announced
        parts = urlsplit(start)
        return [f"{parts.scheme}://{parts.netloc}/sitemap.xml"]

    def check_sitemaps(self) -> None:
        """Re-fetch archived articles whose sitemap <lastmod> changed since the last run."""
        queue = self.sitemap_urls()
        read = 0
        changed: list[str] = []
        while queue and read < MAX_SITEMAPS:
            sitemap_url = queue.pop(0)
            read += 1
            result = self.fetcher.get(sitemap_url, allowed_hosts=self.profile.allowed_hosts, accept=XML_TYPES)
            if not result.ok:
                log.debug("%s: no sitemap at %s (%s)", self.profile.id, sitemap_url, result.error)
                continue
            sitemap = parse_sitemap(result.content)
            queue += [u for u in sitemap.children if host_allowed(u, self.profile.allowed_hosts)]
            for entry in sitemap.entries:
                url = absolute_url(entry.url, sitemap_url)
                if url is None or not entry.lastmod or not host_allowed(url, self.profile.allowed_hosts):
                    continue
                info = self.state.page(url)
                if info is not None and info.sitemap_lastmod and info.sitemap_lastmod != entry.lastmod \
                        and url not in self.fetched and self.archive.fetch_info(url) is not None:
                    changed.append(url)
                self.state.set_sitemap_lastmod(url, self.profile.id, entry.lastmod)
            self.state.commit()
        if changed:
            log.info("%s: %d archived article(s) changed according to the sitemap", self.profile.id, len(changed))
        for url in changed:
            self.fetch_article(ListItem(url, ""), refetch=True)
