"""Fetch helpers without a crawl: decoding, Retry-After, URL canonical forms, fetch_one, robots.txt rules."""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

import pytest

from crawl.fetch import Fetcher, FetchResult, _retry_after, decode_html, fetch_one
from crawl.urls import clean_url, host_allowed
from tests.test_crawl_politeness import FakeClock, assert_spaced, cp1258, stamp_with
from tests.test_crawl_portal import Portal

TEXT = "<html><head>{meta}</head><body>Hội nghị tổng kết phong trào thi đua</body></html>"


@pytest.mark.parametrize(("data", "content_type"), [
    (TEXT.format(meta="").encode("utf-8"), "text/html; charset=utf-8"),
    (TEXT.format(meta='<meta charset="utf-8">').encode("utf-8"), "text/html; charset=ISO-8859-1"),
    (cp1258(TEXT.format(meta='<meta http-equiv="Content-Type" content="text/html; charset=windows-1258">')), None),
    (cp1258(TEXT.format(meta="")), "text/html; charset=windows-1258"),
    (unicodedata.normalize("NFD", TEXT.format(meta="")).encode("utf-8"), None),
], ids=["header", "meta-beats-latin1-default", "meta-1258", "header-1258", "nfd-detected"])
def test_decode_html_gives_nfc_text(data: bytes, content_type: str | None) -> None:
    text = decode_html(data, content_type)
    assert "Hội nghị tổng kết phong trào thi đua" in text
    assert unicodedata.is_normalized("NFC", text)


def test_retry_after_seconds_and_dates() -> None:
    assert _retry_after("3") == 3.0
    assert _retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert _retry_after("soon") is None and _retry_after(None) is None


def test_clean_url_and_hosts() -> None:
    assert clean_url("HTTP://Example.gov.vn:80/a?utm_source=x&id=2&fbclid=z#top") == "http://example.gov.vn/a?id=2"
    assert host_allowed("https://www.kc.gov.vn/x", ("kc.gov.vn",))
    assert host_allowed("https://tin.kc.gov.vn/x", ("kc.gov.vn",))
    assert not host_allowed("https://kc.gov.vn.evil.com/x", ("kc.gov.vn",))


def test_fetch_one_obeys_robots_and_sends_the_user_agent() -> None:
    with Portal() as portal:
        portal.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
        portal.add("/tin/a-1.html", "<html><body><h1>Tin</h1></body></html>")
        ok = fetch_one(portal.url("/tin/a-1.html"), "tracuu-test/0.1", min_delay=0)
        refused = fetch_one(portal.url("/private/b.html"), "tracuu-test/0.1", min_delay=0)
    assert isinstance(ok, FetchResult) and ok.ok and b"<h1>Tin</h1>" in ok.content
    assert refused.error == "disallowed by robots.txt" and refused.skipped
    assert "/private/b.html" not in portal.paths()
    assert {h.headers["user-agent"] for h in portal.hits} == {"tracuu-test/0.1"}


# Google's reading of robots.txt (RFC 9309), which Python's own robotparser does not implement.
WILDCARD_ROBOTS = """\
User-agent: *
Disallow: /*?print=
Disallow: /vi/*/ban-in/
Disallow: /*.pdf$
Disallow: /vi/news/
Allow: /vi/news/tin-tuc/
Allow: /vi/gioi-thieu/
Disallow: /vi/gioi-thieu/noi-bo/
Disallow: /vi/lich
Allow: /vi/lich
"""
WILDCARD_CASES = {
    "/vi/tin.html?print=1": False,  # `*` in the middle: any path, then the query
    "/vi/tin.html?id=3": True,
    "/vi/news/ban-in/a.html": False,  # `*` between path segments
    "/files/bao-cao.pdf": False,  # `$`: the URL ends there
    "/files/bao-cao.pdf?download=1": True,
    "/vi/news/tong-hop.html": False,
    "/vi/news/tin-tuc/bai-1.html": True,  # a longer Allow beats a shorter Disallow
    "/vi/gioi-thieu/lanh-dao.html": True,
    "/vi/gioi-thieu/noi-bo/danh-ba.html": False,  # a longer Disallow beats a shorter Allow
    "/vi/lich-cong-tac.html": True,  # equally long rules: the Allow wins
}


def test_robots_wildcards_and_longest_match() -> None:
    with Portal() as portal:
        portal.add("/robots.txt", WILDCARD_ROBOTS, content_type="text/plain")
        for path in WILDCARD_CASES:
            portal.add(urlsplit(path).path, "<html><body><h1>Trang</h1></body></html>")
        with Fetcher("tracuu-test/0.1", min_delay=0) as fetcher:
            results = {path: fetcher.get(portal.url(path), allowed_hosts=("127.0.0.1",)) for path in WILDCARD_CASES}
    assert {path: result.ok for path, result in results.items()} == WILDCARD_CASES
    assert {r.error for r in results.values() if not r.ok} == {"disallowed by robots.txt"}
    assert set(portal.paths()) == {"/robots.txt"} | {p for p, allowed in WILDCARD_CASES.items() if allowed}


def test_robots_groups_match_our_product_token_only() -> None:
    """A group naming a word of our contact URL is another crawler's, not ours."""
    with Portal() as portal:
        portal.add("/robots.txt", "User-agent: otherbot\nDisallow: /\n\nUser-agent: tracuu-test\nDisallow: /cam/\n",
                   content_type="text/plain")
        portal.add("/mo.html", "<html><body>Mở</body></html>")
        with Fetcher("tracuu-test/0.1 (+https://example.org/otherbot)", min_delay=0) as fetcher:
            assert fetcher.robots_agent == "tracuu-test"
            assert fetcher.get(portal.url("/mo.html")).ok
            assert fetcher.get(portal.url("/cam/a.html")).error == "disallowed by robots.txt"
    assert portal.paths() == ["/robots.txt", "/mo.html"]


@pytest.mark.parametrize("crawl_delay", [0.5, 2.5])
def test_fractional_crawl_delay_spaces_the_requests(crawl_delay: float) -> None:
    clock = FakeClock()
    with Portal() as portal:
        stamp_with(portal, clock)
        portal.add("/robots.txt", f"User-agent: *\nCrawl-delay: {crawl_delay}\n", content_type="text/plain")
        for n in range(3):
            portal.add(f"/tin/{n}.html", "<html><body>Tin</body></html>")
        with Fetcher("tracuu-test/0.1", min_delay=0, clock=clock.monotonic, sleep=clock.sleep) as fetcher:
            assert all(fetcher.get(portal.url(f"/tin/{n}.html")).ok for n in range(3))
            assert fetcher.delay_for("127.0.0.1") == crawl_delay
    assert len(portal.hits) == 4
    assert_spaced(portal.hits, crawl_delay)
