"""The bundled demo portal, crawled with only its minimal profile: everything found, fields right, increments."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from archive import Archive
from crawl.crawler import crawl_sites
from crawl.profiles import SiteProfile, load_profiles

demosite = pytest.importorskip("tracuu.demosite", reason="the demo site package is not available")

UA = "tracuu-test/0.1 (+https://example.org/tracuu)"


@pytest.fixture
def site() -> Iterator[demosite.DemoSite]:
    with demosite.DemoSite() as running:
        yield running


@pytest.fixture
def profiles(site: demosite.DemoSite) -> list[SiteProfile]:
    return load_profiles(demosite.PROFILE_PATH, substitutions={"base_url": site.base_url})


def test_minimal_profile_finds_every_article_with_title_date_department(
        site: demosite.DemoSite, profiles: list[SiteProfile], tmp_path: Path) -> None:
    with Archive(tmp_path / "a.sqlite3") as archive:
        stats = crawl_sites(profiles, archive, user_agent=UA, min_delay=0)
        assert stats.failures == []
        expected = site.articles
        assert stats.new == len(expected) == archive.count()
        wrong = []
        for article in expected:
            got = archive.get(site.url_for(article))
            assert got is not None, article.path
            want = (article.title, article.published.isoformat() + "+07:00", article.department)
            if (got.title, got.published, got.department) != want:
                wrong.append((article.id, (got.title, got.published, got.department), want))
            assert got.extra["department_raw"] == article.signature
            assert len(got.attachments) == len(article.attachments)
        assert wrong == []
        # no article requested twice; the utm_ duplicates and the pinned post are one article each
        article_paths = [r.path for r in site.requests if r.path.endswith(".html")]
        assert len(article_paths) == len(set(article_paths)) == len(expected)
        assert all(r.header("User-Agent") == UA for r in site.requests)


def test_incremental_crawl_of_the_demo_site(site: demosite.DemoSite, profiles: list[SiteProfile],
                                            tmp_path: Path) -> None:
    with Archive(tmp_path / "a.sqlite3") as archive:
        first = crawl_sites(profiles, archive, user_agent=UA, min_delay=0)
        site.clear_requests()
        added = [site.add_article(site.new_article(f"Thông báo số {n} về lịch tiếp công dân định kỳ",
                                                   ["Sở thông báo lịch tiếp công dân định kỳ của lãnh đạo Sở."],
                                                   department="Phòng QLTM")) for n in range(3)]
        edited = site.articles[-1]  # the oldest post, far down the lists
        site.edit_article(edited.id, paragraphs=[*edited.paragraphs, "Đính chính: số liệu đã được cập nhật."])
        second = crawl_sites(profiles, archive, user_agent=UA, min_delay=0)
        assert (second.new, second.updated, second.failed) == (3, 1, 0)
        assert second.requests < first.requests / 4
        assert "Đính chính" in archive.get(site.url_for(edited.id)).body
        for article in added:
            assert archive.get(site.url_for(article)).department == "Quản lý Thương mại"
        refetch = [r for r in site.requests if r.path == edited.path]
        assert refetch and refetch[0].header("If-None-Match")
