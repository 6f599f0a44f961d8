"""crawl_sites on a local NukeViet-like portal: discovery, increments, sitemap edits, canonical URLs, resume."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from archive import Archive
from crawl.crawler import CrawlEvent, CrawlStats, crawl_sites
from crawl.profiles import SiteProfile
from tests.test_crawl_portal import NewsPortal, portal_factory

news_portal = pytest.fixture(portal_factory, name="news_portal")
UA = "tracuu-test/0.1 (+https://example.org/tracuu)"


def profile_for(portal: NewsPortal, **overrides: Any) -> SiteProfile:
    fields: dict[str, Any] = {"id": "khuyencong", "name": "Trung tâm Khuyến công",
                              "start_urls": (portal.url("/vi/news/"),), "allowed_hosts": ("127.0.0.1",)}
    fields.update(overrides)
    return SiteProfile(**fields)


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    with Archive(tmp_path / "archive.sqlite3") as archive:
        yield archive


def crawl(portal: NewsPortal, archive: Archive, **kwargs: Any) -> CrawlStats:
    profile = kwargs.pop("profile", None) or profile_for(portal)
    kwargs.setdefault("min_delay", 0.0)
    kwargs.setdefault("backoff", 0.01)
    return crawl_sites([profile], archive, user_agent=UA, **kwargs)


def test_first_crawl_finds_every_post_with_title_date_department(news_portal: Callable[..., NewsPortal],
                                                                  archive: Archive) -> None:
    portal = news_portal(n_posts=12, per_page=5)
    events: list[CrawlEvent] = []
    stats = crawl(portal, archive, progress=events.append)
    assert (stats.new, stats.failed, stats.failures) == (12, 0, [])
    assert archive.count() == 12
    for post in portal.posts:
        article = archive.get(portal.url(post.path))
        assert article is not None, post.path
        assert article.title == post.title
        assert article.published == post.published.isoformat() + "+07:00"
        assert article.department == "Phòng HC-TH"
        assert article.extra["department_raw"] == "Phòng HC-TH"
        assert article.extra["extracted_by"] == "generic"
        assert article.site == "khuyencong"
        assert "Tin liên quan" not in article.body and "Lượt truy cập" not in article.body
        assert article.body.startswith("Sáng nay")
    # robots, 3 list pages, 12 posts, sitemap: no article fetched twice, the pinned post included
    assert stats.requests == 1 + 3 + 12 + 1
    assert sorted(portal.paths()).count(portal.posts[0].path) == 1
    assert {e.kind for e in events} == {"list", "article"}
    assert all(hit.headers["user-agent"] == UA for hit in portal.hits)
    assert stats.per_site["khuyencong"].new == 12


def test_incremental_crawl_fetches_only_new_posts_and_stops_paging(news_portal: Callable[..., NewsPortal],
                                                                   archive: Archive) -> None:
    portal = news_portal(n_posts=12, per_page=5)
    first = crawl(portal, archive)
    before = len(portal.hits)
    new_posts = [portal.add_post(f"Thông báo mới số {n} về lịch tiếp công dân") for n in range(3)]
    second = crawl(portal, archive)
    paths = portal.paths()[before:]
    assert second.new == 3 and second.updated == 0 and second.failed == 0
    assert sorted(p for p in paths if p.endswith(".html")) == sorted(p.path for p in new_posts)
    # page 1 has the 3 new posts; page 2 has none unseen (the pinned post repeats there): stop.
    assert [p for p in paths if p.startswith("/vi/news/") and not p.endswith(".html")] == ["/vi/news/",
                                                                                          "/vi/news/page-2"]
    assert second.requests == 1 + 2 + 3 + 1 < first.requests
    third = crawl(portal, archive)
    assert (third.new, third.requests) == (0, 3)  # robots, page 1, sitemap


def test_pinned_post_that_always_fails_does_not_keep_paging(news_portal: Callable[..., NewsPortal],
                                                            archive: Archive) -> None:
    portal = news_portal(n_posts=12, per_page=4)
    pinned = portal.posts[0]
    portal.add(pinned.path, "Lỗi máy chủ", status=500)
    first = crawl(portal, archive, retries=0)
    assert first.failed == 1 and first.new == 11
    assert first.failures[0][0] == portal.url(pinned.path)
    before = len(portal.hits)
    second = crawl(portal, archive, retries=0)
    list_pages = [p for p in portal.paths()[before:] if not p.endswith((".html", ".txt", ".xml"))]
    # page 1's only unseen item is the broken pinned post; on page 2 it no longer counts: stop there.
    assert list_pages == ["/vi/news/", "/vi/news/page-2"]
    assert second.failed == 1


def test_sitemap_lastmod_finds_a_silent_edit(news_portal: Callable[..., NewsPortal], archive: Archive) -> None:
    portal = news_portal(n_posts=8, per_page=5)
    crawl(portal, archive)
    old = portal.posts[1]
    portal.edit_post(old.id, "Bổ sung: danh sách đơn vị được khen thưởng kèm theo.")
    before = len(portal.hits)
    stats = crawl(portal, archive)
    assert stats.updated == 1 and stats.new == 0
    assert "danh sách đơn vị được khen thưởng" in archive.get(portal.url(old.path)).body
    refetch = [h for h in portal.hits[before:] if h.path == old.path]
    assert len(refetch) == 1 and refetch[0].headers.get("if-none-match")


def test_conditional_get_answers_304_when_only_lastmod_moved(news_portal: Callable[..., NewsPortal],
                                                             archive: Archive) -> None:
    portal = news_portal(n_posts=6, per_page=5)
    crawl(portal, archive)
    post = portal.posts[2]
    row_before = archive.conn.execute("SELECT content_hash FROM articles WHERE id = ?",
                                      (portal.url(post.path),)).fetchone()[0]
    post.modified = post.published.replace(year=2020)  # the sitemap says changed; the page is the same
    stats = crawl(portal, archive)
    assert (stats.not_modified, stats.updated, stats.new) == (1, 0, 0)
    row_after = archive.conn.execute("SELECT content_hash FROM articles WHERE id = ?",
                                     (portal.url(post.path),)).fetchone()[0]
    assert row_after == row_before


def test_canonical_and_utm_duplicates_are_one_article(news_portal: Callable[..., NewsPortal],
                                                      archive: Archive) -> None:
    portal = news_portal(n_posts=3, per_page=10, pinned=False)
    post = portal.posts[0]
    alias = "/vi/news/tin-tuc/ban-in-bai-viet-1.html"
    portal.add_handler(alias, lambda hit: (200, {"Content-Type": "text/html; charset=utf-8"},
                                           portal.render_post(post).encode()))
    links = "".join(f'<div class="item"><h3><a href="{href}">{post.title}</a></h3>'
                    f"<span>{post.published:%d/%m/%Y}</span></div>"
                    for href in (post.path + "?utm_source=zalo&utm_medium=share", alias, post.path + "#top"))
    portal.add("/vi/news/", portal._frame("Tin tức", f'<div class="news-list">{links}</div>'))
    stats = crawl(portal, archive)
    assert archive.count() == 1
    assert archive.get(portal.url(post.path)) is not None
    assert stats.new == 1 and stats.unchanged == 1  # the alias page led to the same canonical article
    assert not any("utm_source" in p for p in portal.paths())


def test_interrupted_crawl_resumes_without_refetching(news_portal: Callable[..., NewsPortal], archive: Archive) -> None:
    portal = news_portal(n_posts=12, per_page=4)
    seen: list[str] = []

    def stop_after_five(event: CrawlEvent) -> None:
        if event.kind == "article":
            seen.append(event.url)
            if len(seen) == 5:
                raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        crawl(portal, archive, progress=stop_after_five)
    assert archive.count() == 5
    stats = crawl(portal, archive)
    assert stats.new == 7 and archive.count() == 12
    fetched = [p for p in portal.paths() if p.endswith(".html")]
    assert len(fetched) == len(set(fetched)) == 12


def test_max_pages_caps_a_run_and_the_next_run_continues(news_portal: Callable[..., NewsPortal],
                                                         archive: Archive) -> None:
    portal = news_portal(n_posts=12, per_page=4, pinned=False)
    first = crawl(portal, archive, max_pages=1)
    assert first.new == 4
    second = crawl(portal, archive, max_pages=1)  # page 1 is all seen: continue where the first run stopped
    assert second.new == 4
    third = crawl(portal, archive, max_pages=5)
    assert third.new == 4 and archive.count() == 12


def test_a_page_that_fails_to_parse_is_reported_and_the_crawl_goes_on(
        news_portal: Callable[..., NewsPortal], archive: Archive, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    import crawl.crawler as crawler_module

    portal = news_portal(n_posts=4, per_page=10)
    broken = portal.url(portal.posts[2].path)
    real = crawler_module.extract_article

    def flaky(html: bytes, url: str, *args: Any, **kwargs: Any) -> Any:
        if url == broken:
            raise ValueError("unexpected markup")
        return real(html, url, *args, **kwargs)

    monkeypatch.setattr(crawler_module, "extract_article", flaky)
    with caplog.at_level(logging.WARNING, logger="crawl.crawler"):
        stats = crawl(portal, archive)
    assert stats.new == 3 and stats.failed == 1
    assert stats.failures == [(broken, "page could not be parsed (ValueError: unexpected markup)")]
    assert broken in caplog.text


def test_documents_in_a_list_are_skipped_without_a_request(news_portal: Callable[..., NewsPortal],
                                                           archive: Archive) -> None:
    portal = news_portal(n_posts=2, per_page=10, pinned=False)
    item = '<div class="item"><h3><a href="/uploads/thong-bao-lich-hop-so-12.pdf">Thông báo lịch họp giao ban ' \
           'tháng 3</a></h3><span>01/03/2019</span></div>'
    page = portal.render_list(1).replace('<div class="news-list">', '<div class="news-list">' + item)
    portal.add("/vi/news/", page)
    stats = crawl(portal, archive, profile=profile_for(portal, article_url_pattern=r"\d+\.(html|pdf)$"))
    assert stats.new == 2 and stats.skipped == 1
    assert "/uploads/thong-bao-lich-hop-so-12.pdf" not in portal.paths()
