"""Politeness and robustness rules, each against a local server: robots, delays, retries, caps, encodings."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from archive import Archive
from crawl.crawler import CrawlStats, crawl_sites
from crawl.profiles import SiteProfile
from tests.test_crawl_portal import Hit, NewsPortal, Portal, Response, portal_factory

news_portal = pytest.fixture(portal_factory, name="news_portal")
UA = "tracuu-test/0.1 (+https://example.org/tracuu)"


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    with Archive(tmp_path / "archive.sqlite3") as archive:
        yield archive


def crawl(portal: Portal, archive: Archive, **kwargs: Any) -> CrawlStats:
    profile = kwargs.pop("profile", None) or SiteProfile(
        id="site", name="Site", start_urls=(portal.url("/vi/news/"),), allowed_hosts=("127.0.0.1",),
        delay=kwargs.pop("profile_delay", None), sitemap=kwargs.pop("sitemap", True))
    kwargs.setdefault("min_delay", 0.0)
    kwargs.setdefault("backoff", 0.01)
    return crawl_sites([profile], archive, user_agent=UA, **kwargs)


def gaps(hits: list[Hit]) -> list[float]:
    return [b.time - a.time for a, b in zip(hits, hits[1:], strict=False)]


def sequence(*responses: Response) -> Callable[[Hit], Response]:
    """A handler answering with each response in turn, then the last one forever."""
    queue = list(responses)

    def handler(hit: Hit) -> Response:
        return queue.pop(0) if len(queue) > 1 else queue[0]

    return handler


# -- robots.txt -------------------------------------------------------------------------------------
def test_robots_disallow_is_obeyed(news_portal: Callable[..., NewsPortal], archive: Archive) -> None:
    portal = news_portal(n_posts=4, per_page=10, pinned=False,
                         robots="User-agent: *\nDisallow: /vi/news/tin-tuc/bai-viet-so-2-\n")
    stats = crawl(portal, archive)
    assert stats.new == 3 and stats.skipped == 1
    assert "/vi/news/tin-tuc/bai-viet-so-2-2.html" not in portal.paths()
    assert portal.paths()[0] == "/robots.txt"


def test_robots_disallow_all_fetches_nothing_else(news_portal: Callable[..., NewsPortal], archive: Archive) -> None:
    portal = news_portal(n_posts=3, robots="User-agent: tracuu-test\nDisallow: /\n")
    stats = crawl(portal, archive)
    assert portal.paths() == ["/robots.txt"]
    assert stats.new == 0


def test_robots_crawl_delay_lengthens_the_delay(news_portal: Callable[..., NewsPortal], archive: Archive) -> None:
    portal = news_portal(n_posts=1, per_page=10, pinned=False, sitemap=False,
                         robots="User-agent: *\nCrawl-delay: 1\n")
    crawl(portal, archive, min_delay=0.0, sitemap=False)
    assert len(portal.hits) == 3  # robots, list, article
    assert min(gaps(portal.hits)) >= 1.0


def test_fractional_crawl_delay_is_honoured(news_portal: Callable[..., NewsPortal], archive: Archive) -> None:
    portal = news_portal(n_posts=1, per_page=10, pinned=False, sitemap=False,
                         robots="User-agent: *\nCrawl-delay: 0.6\n")
    crawl(portal, archive, min_delay=0.0, sitemap=False)
    assert len(portal.hits) == 3
    assert min(gaps(portal.hits)) >= 0.6


# -- delays -----------------------------------------------------------------------------------------
def test_min_delay_between_requests_to_one_host(news_portal: Callable[..., NewsPortal], archive: Archive) -> None:
    portal = news_portal(n_posts=3, per_page=10, pinned=False, sitemap=False)
    crawl(portal, archive, min_delay=0.2, sitemap=False)
    assert len(portal.hits) == 5
    assert min(gaps(portal.hits)) >= 0.2


def test_profile_may_lengthen_the_delay_but_not_shorten_it(news_portal: Callable[..., NewsPortal],
                                                           tmp_path: Path) -> None:
    longer = news_portal(n_posts=2, per_page=10, pinned=False, sitemap=False)
    with Archive(tmp_path / "a.sqlite3") as archive:
        crawl(longer, archive, min_delay=0.05, profile_delay=0.3, sitemap=False)
    assert min(gaps(longer.hits)) >= 0.3
    shorter = news_portal(n_posts=2, per_page=10, pinned=False, sitemap=False)
    with Archive(tmp_path / "b.sqlite3") as archive:
        crawl(shorter, archive, min_delay=0.25, profile_delay=0.01, sitemap=False)
    assert min(gaps(shorter.hits)) >= 0.25


# -- retries ----------------------------------------------------------------------------------------
def test_429_with_retry_after_is_honoured(news_portal: Callable[..., NewsPortal], archive: Archive) -> None:
    portal = news_portal(n_posts=2, per_page=10, pinned=False, sitemap=False)
    post = portal.posts[0]
    page = portal.render_post(post).encode()
    portal.add_handler(post.path, sequence((429, {"Retry-After": "1", "Content-Type": "text/html"}, b"slow down"),
                                           (200, {"Content-Type": "text/html; charset=utf-8"}, page)))
    stats = crawl(portal, archive)
    assert stats.new == 2 and stats.failed == 0
    tries = [h for h in portal.hits if h.path == post.path]
    assert len(tries) == 2 and tries[1].time - tries[0].time >= 1.0


def test_5xx_is_retried_with_backoff_then_given_up(news_portal: Callable[..., NewsPortal], archive: Archive) -> None:
    portal = news_portal(n_posts=3, per_page=10, pinned=False, sitemap=False)
    flaky, dead = portal.posts[0], portal.posts[1]
    ok = (200, {"Content-Type": "text/html; charset=utf-8"}, portal.render_post(flaky).encode())
    error = (502, {"Content-Type": "text/html"}, b"bad gateway")
    portal.add_handler(flaky.path, sequence(error, error, ok))
    portal.add(dead.path, "down", status=500)
    stats = crawl(portal, archive, retries=2)
    assert stats.new == 2 and stats.failed == 1
    assert stats.failures == [(portal.url(dead.path), "HTTP 500")]
    assert portal.paths().count(flaky.path) == 3 and portal.paths().count(dead.path) == 3


def test_timeouts_are_retried_and_reported(archive: Archive) -> None:
    import time

    portal = Portal()

    def slow(hit: Hit) -> Response:
        time.sleep(0.5)
        return 200, {"Content-Type": "text/html"}, b"<html></html>"

    portal.add_handler("/vi/news/", slow)
    with portal:
        stats = crawl(portal, archive, timeout=0.1, retries=1)
    assert stats.failures == [(portal.url("/vi/news/"), "timed out")]
    assert portal.paths().count("/vi/news/") == 2


# -- redirects, size, type --------------------------------------------------------------------------
def test_redirect_off_the_allowed_hosts_is_refused(news_portal: Callable[..., NewsPortal], archive: Archive) -> None:
    portal = news_portal(n_posts=2, per_page=10, pinned=False, sitemap=False)
    port = portal.base_url.rsplit(":", 1)[1]
    inside, outside = portal.posts
    portal.add(inside.path.replace(".html", "-cu.html"), "", status=301, headers={"Location": inside.path})
    portal.add(outside.path, "", status=302, headers={"Location": f"http://localhost:{port}/tracking"})
    listing = portal.render_list(1).replace(inside.path, inside.path.replace(".html", "-cu.html"))
    portal.add("/vi/news/", listing)
    stats = crawl(portal, archive)
    assert stats.new == 1 and archive.get(portal.url(inside.path)) is not None
    assert stats.skipped == 1 and "/tracking" not in portal.paths()


def test_oversize_page_is_skipped(news_portal: Callable[..., NewsPortal], archive: Archive) -> None:
    portal = news_portal(n_posts=2, per_page=10, pinned=False, sitemap=False)
    announced, hidden = portal.posts
    huge = portal.render_post(announced).replace("</body>", "<p>" + "rất dài " * 20000 + "</p></body>")
    portal.add(announced.path, huge)  # Content-Length says it is too big: not read at all
    portal.add(hidden.path, huge, headers={"Content-Length": ""})  # no length: cut while reading
    events: list[Any] = []
    stats = crawl(portal, archive, max_bytes=50_000, progress=events.append)
    assert stats.skipped == 2 and stats.new == 0
    assert sorted(e.status for e in events if e.kind == "skip") == [
        f"too large ({len(huge.encode())} bytes > 50000)", "too large (over 50000 bytes)"]


def test_pdf_response_is_skipped_without_reading_it(news_portal: Callable[..., NewsPortal], archive: Archive) -> None:
    portal = news_portal(n_posts=2, per_page=10, pinned=False, sitemap=False)
    notice = portal.posts[0]
    portal.add(notice.path, b"%PDF-1.4 " + b"0" * 1000, content_type="application/pdf")
    events: list[Any] = []
    stats = crawl(portal, archive, progress=events.append)
    assert stats.new == 1 and stats.skipped == 1
    assert [e.status for e in events if e.kind == "skip"] == ["not HTML (application/pdf)"]
    again = crawl(portal, archive)  # a skipped URL is not asked for again
    assert again.skipped == 0 and portal.paths().count(notice.path) == 1


# -- encodings --------------------------------------------------------------------------------------
def cp1258(text: str) -> bytes:
    """Encode as windows-1258 does it: base letters with tone marks as combining characters."""
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        base, *marks = unicodedata.normalize("NFD", char)
        rest = []
        for mark in marks:
            joined = unicodedata.normalize("NFC", base + mark)
            if len(joined) == 1 and _encodable(joined):
                base = joined
            else:
                rest.append(mark)
        out += (base + "".join(rest)).encode("cp1258")
    return bytes(out)


def _encodable(char: str) -> bool:
    try:
        char.encode("cp1258")
        return True
    except UnicodeEncodeError:
        return False


def test_windows_1258_page_decodes_to_nfc(news_portal: Callable[..., NewsPortal], archive: Archive) -> None:
    portal = news_portal(n_posts=1, per_page=10, pinned=False, sitemap=False)
    post = portal.posts[0]
    post.title = "Hội nghị tổng kết phong trào thi đua năm 2018"
    html = portal.render_post(post).replace('<meta charset="utf-8">', '<meta charset="windows-1258">')
    portal.add(post.path, cp1258(html), content_type="text/html")
    crawl(portal, archive)
    article = archive.get(portal.url(post.path))
    assert article is not None and article.title == post.title
    assert unicodedata.is_normalized("NFC", article.body) and "Trung tâm Khuyến công" in article.body


def test_nfd_text_is_stored_nfc(news_portal: Callable[..., NewsPortal], archive: Archive) -> None:
    portal = news_portal(n_posts=1, per_page=10, pinned=False, sitemap=False)
    post = portal.posts[0]
    portal.add(post.path, unicodedata.normalize("NFD", portal.render_post(post)))
    crawl(portal, archive)
    article = archive.get(portal.url(post.path))
    assert article.title == post.title and article.department == "Phòng HC-TH"
    assert unicodedata.is_normalized("NFC", article.body)
