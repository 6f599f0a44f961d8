"""Politeness and robustness rules, each against a local server: robots, delays, retries, caps, encodings.

The crawler's waits run on a `FakeClock`, and the portal stamps each request with that clock, so the
gaps between requests are exactly what the fetcher decided to wait and no test waits in real time.
"""

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
JITTER = 0.2  # Fetcher's default: each wait is lengthened by a random 0-20 %, so gaps have an upper bound too


class FakeClock:
    """A monotonic clock that moves only when slept on: waits are exact and cost no real time."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds > 0, "the fetcher asked to sleep for nothing"
        self.slept.append(seconds)
        self.now += seconds


def stamp_with(portal: Portal, clock: FakeClock) -> None:
    """Make the portal record the fake time of each request, the time the fetcher's waits are made in.

    The fetcher is blocked on the response while the portal answers, so the clock cannot move meanwhile.
    """
    resolve = type(portal).resolve

    def stamped(hit: Hit) -> Response:
        hit.time = clock.now
        return resolve(portal, hit)

    portal.resolve = stamped  # type: ignore[method-assign]


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    with Archive(tmp_path / "archive.sqlite3") as archive:
        yield archive


def crawl(portal: Portal, archive: Archive, **kwargs: Any) -> CrawlStats:
    profile = kwargs.pop("profile", None) or SiteProfile(
        id="site", name="Site", start_urls=(portal.url("/vi/news/"),), allowed_hosts=("127.0.0.1",),
        delay=kwargs.pop("profile_delay", None), sitemap=kwargs.pop("sitemap", True))
    clock = kwargs.pop("clock", None) or FakeClock()
    stamp_with(portal, clock)
    kwargs.setdefault("min_delay", 0.0)
    kwargs.setdefault("backoff", 0.01)
    return crawl_sites([profile], archive, user_agent=UA, clock=clock.monotonic, sleep=clock.sleep, **kwargs)


def gaps(hits: list[Hit]) -> list[float]:
    return [b.time - a.time for a, b in zip(hits, hits[1:], strict=False)]


def assert_spaced(hits: list[Hit], delay: float) -> None:
    """Every gap is the delay plus at most the jitter: never shorter, and not some other, longer delay."""
    assert len(hits) >= 2
    for gap in gaps(hits):
        assert delay <= gap <= delay * (1 + JITTER) + 1e-9, (gap, delay)


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


def test_robots_wildcard_rules_are_obeyed(news_portal: Callable[..., NewsPortal], archive: Archive) -> None:
    """`*` inside a path and a `$` anchor, which Python's own robotparser reads as literal characters."""
    portal = news_portal(n_posts=4, per_page=10, pinned=False, sitemap=False,
                         robots="User-agent: *\nDisallow: /*-2.html$\nDisallow: /vi/*/bai-viet-so-3-\n")
    stats = crawl(portal, archive, sitemap=False)
    assert stats.new == 2 and stats.skipped == 2
    assert sorted(p for p in portal.paths() if "bai-viet" in p) == [
        "/vi/news/tin-tuc/bai-viet-so-1-1.html", "/vi/news/tin-tuc/bai-viet-so-4-4.html"]


def test_missing_robots_txt_allows_everything(news_portal: Callable[..., NewsPortal], archive: Archive) -> None:
    portal = news_portal(n_posts=2, per_page=10, pinned=False, sitemap=False)
    portal.add("/robots.txt", "Not found", status=404)
    stats = crawl(portal, archive, sitemap=False)
    assert stats.new == 2 and portal.paths()[0] == "/robots.txt"


def test_robots_txt_server_error_means_no_crawl_this_run(news_portal: Callable[..., NewsPortal],
                                                         archive: Archive) -> None:
    portal = news_portal(n_posts=2, per_page=10, pinned=False, sitemap=False)
    portal.add("/robots.txt", "down", status=503)
    stats = crawl(portal, archive, sitemap=False, retries=1)
    assert set(portal.paths()) == {"/robots.txt"} and len(portal.hits) == 2  # asked, retried, then left alone
    assert stats.new == 0 and stats.failures == [(portal.url("/vi/news/"), "disallowed by robots.txt")]


def test_oversized_robots_txt_means_no_crawl_this_run(news_portal: Callable[..., NewsPortal],
                                                      archive: Archive) -> None:
    portal = news_portal(n_posts=2, per_page=10, pinned=False, sitemap=False,
                         robots="User-agent: *\n" + "Disallow: /khong-co-trang-nay/\n" * 2000)
    stats = crawl(portal, archive, sitemap=False, max_bytes=50_000)
    assert portal.paths() == ["/robots.txt"] and stats.new == 0


@pytest.mark.parametrize(("crawl_delay", "min_delay", "expected"), [
    ("3", 0.0, 3.0), ("2.5", 0.0, 2.5), ("0.5", 0.0, 0.5), ("0.5", 2.0, 2.0),
], ids=["integer", "fractional", "below-one-second", "never-shortens-min-delay"])
def test_robots_crawl_delay_lengthens_the_delay(news_portal: Callable[..., NewsPortal], archive: Archive,
                                                crawl_delay: str, min_delay: float, expected: float) -> None:
    portal = news_portal(n_posts=2, per_page=10, pinned=False, sitemap=False,
                         robots=f"User-agent: *\nCrawl-delay: {crawl_delay}\n")
    crawl(portal, archive, min_delay=min_delay, sitemap=False)
    assert len(portal.hits) == 4  # robots, list, two articles
    assert_spaced(portal.hits, expected)


def test_crawl_delay_comes_from_our_group_only(news_portal: Callable[..., NewsPortal], archive: Archive) -> None:
    """Our own group beats `*` (its Crawl-delay and rules apply); another crawler's group never applies."""
    robots = ("User-agent: *\nDisallow: /\n\nUser-agent: otherbot\nCrawl-delay: 30\n\n"
              "User-agent: tracuu-test\nCrawl-delay: 1.5\nAllow: /\n")
    portal = news_portal(n_posts=2, per_page=10, pinned=False, sitemap=False, robots=robots)
    stats = crawl(portal, archive, sitemap=False)
    assert stats.new == 2
    assert_spaced(portal.hits, 1.5)


# -- delays -----------------------------------------------------------------------------------------
def test_min_delay_between_requests_to_one_host(news_portal: Callable[..., NewsPortal], archive: Archive) -> None:
    portal = news_portal(n_posts=3, per_page=10, pinned=False, sitemap=False)
    clock = FakeClock()
    crawl(portal, archive, min_delay=2.0, sitemap=False, clock=clock)
    assert len(portal.hits) == 5
    assert_spaced(portal.hits, 2.0)
    assert len(clock.slept) == 4  # each request after the first waited its turn


def test_no_delay_means_no_waiting(news_portal: Callable[..., NewsPortal], archive: Archive) -> None:
    portal = news_portal(n_posts=3, per_page=10, pinned=False, sitemap=False)
    clock = FakeClock()
    crawl(portal, archive, min_delay=0.0, sitemap=False, clock=clock)
    assert len(portal.hits) == 5 and clock.slept == []


def test_profile_may_lengthen_the_delay_but_not_shorten_it(news_portal: Callable[..., NewsPortal],
                                                           tmp_path: Path) -> None:
    longer = news_portal(n_posts=2, per_page=10, pinned=False, sitemap=False)
    with Archive(tmp_path / "a.sqlite3") as archive:
        crawl(longer, archive, min_delay=1.0, profile_delay=5.0, sitemap=False)
    assert_spaced(longer.hits, 5.0)
    shorter = news_portal(n_posts=2, per_page=10, pinned=False, sitemap=False)
    with Archive(tmp_path / "b.sqlite3") as archive:
        crawl(shorter, archive, min_delay=4.0, profile_delay=0.5, sitemap=False)
    assert_spaced(shorter.hits, 4.0)


# -- retries ----------------------------------------------------------------------------------------
def test_429_with_retry_after_is_honoured(news_portal: Callable[..., NewsPortal], archive: Archive) -> None:
    portal = news_portal(n_posts=2, per_page=10, pinned=False, sitemap=False)
    post, other = portal.newest_first()  # the first article fetched gets the 429, so one request follows it
    page = portal.render_post(post).encode()
    portal.add_handler(post.path, sequence((429, {"Retry-After": "7", "Content-Type": "text/html"}, b"slow down"),
                                           (200, {"Content-Type": "text/html; charset=utf-8"}, page)))
    stats = crawl(portal, archive, sitemap=False)
    assert stats.new == 2 and stats.failed == 0
    paths = portal.paths()
    assert paths.count(post.path) == 2 and paths[-1] == other.path
    first_try = paths.index(post.path)
    retry_gap, after = gaps(portal.hits[first_try:])
    assert retry_gap == pytest.approx(7.0)
    # the 429 also slows the rest of the run down: at least a second between requests from now on
    assert 1.0 <= after <= 1.0 * (1 + JITTER)


def test_too_long_retry_after_gives_up_the_url_but_still_waits(news_portal: Callable[..., NewsPortal],
                                                              archive: Archive) -> None:
    portal = news_portal(n_posts=2, per_page=10, pinned=False, sitemap=False)
    post, other = portal.newest_first()
    portal.add(post.path, "slow down", status=429, headers={"Retry-After": "600"})
    stats = crawl(portal, archive, sitemap=False)
    assert stats.new == 1
    assert stats.failures == [(portal.url(post.path), "HTTP 429 with Retry-After 600 s; giving up on this URL")]
    paths = portal.paths()
    assert paths.count(post.path) == 1 and paths[-1] == other.path
    assert gaps(portal.hits)[-1] == pytest.approx(600.0)


def test_5xx_is_retried_with_backoff_then_given_up(news_portal: Callable[..., NewsPortal], archive: Archive) -> None:
    portal = news_portal(n_posts=3, per_page=10, pinned=False, sitemap=False)
    flaky, dead = portal.posts[0], portal.posts[1]
    ok = (200, {"Content-Type": "text/html; charset=utf-8"}, portal.render_post(flaky).encode())
    error = (502, {"Content-Type": "text/html"}, b"bad gateway")
    portal.add_handler(flaky.path, sequence(error, error, ok))
    portal.add(dead.path, "down", status=500)
    stats = crawl(portal, archive, retries=2, backoff=1.5)
    assert stats.new == 2 and stats.failed == 1
    assert stats.failures == [(portal.url(dead.path), "HTTP 500")]
    assert portal.paths().count(flaky.path) == 3 and portal.paths().count(dead.path) == 3
    for path in (flaky.path, dead.path):  # exponential backoff: 1.5 s, then 3 s
        assert gaps([h for h in portal.hits if h.path == path]) == pytest.approx([1.5, 3.0])


def test_timeouts_are_retried_and_reported(archive: Archive) -> None:
    import time

    portal = Portal()

    def slow(hit: Hit) -> Response:
        time.sleep(0.5)  # real time: the client's timeout is a real socket timeout
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
