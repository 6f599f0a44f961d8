"""Fetch helpers without a crawl: decoding, Retry-After, URL canonical forms, fetch_one."""

from __future__ import annotations

import unicodedata

import pytest

from crawl.fetch import FetchResult, _retry_after, decode_html, fetch_one
from crawl.urls import clean_url, host_allowed
from tests.test_crawl_politeness import cp1258
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
