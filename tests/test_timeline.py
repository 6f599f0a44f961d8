"""The timeline's buckets (webapp/timeline.py) and, in a real headless Chromium against a real server over a
real Whoosh index spanning 1957–2022, its bars and the facet lists' filter box (webapp/static/facets.js)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from archive import Article
from indexer.backend import EngineConfig
from tests.conftest import chromium_path, served
from tests.test_webapp import build_site
from webapp import create_app
from webapp.timeline import MAX_BARS, MIN_HEIGHT, Bucket, buckets


# -- buckets --------------------------------------------------------------------------------------------
def test_a_short_range_gets_one_bar_a_year_with_the_year_filter() -> None:
    bars = buckets({2019: 4, 2021: 10, 2022: 1})
    assert [(b.label, b.count) for b in bars] == [("2019", 4), ("2020", 0), ("2021", 10), ("2022", 1)]
    assert [b.height for b in bars] == [44, 0, 100, 15]  # from a floor, so a single article still shows
    assert bars[0].params == {"year": "2019"} and bars[0].clear == {"year": None}


def test_six_decades_fold_into_five_year_buckets_that_keep_every_article() -> None:
    counts = {1957: 1, **{y: 3 for y in range(1960, 2023, 2)}, 2020: 400}
    bars = buckets(counts)
    assert len(bars) == 14 <= MAX_BARS
    assert [b.label for b in bars[:3]] == ["1957–1959", "1960–1964", "1965–1969"]
    assert bars[-1].label == "2020–2022"  # the ends are clipped to the years that have matches
    assert sum(b.count for b in bars) == sum(counts.values())
    assert all(b.height >= MIN_HEIGHT for b in bars if b.count)  # one article among 400 still shows
    assert bars[0].count == 1 and bars[-1].height == 100
    assert bars[0].height < bars[1].height  # 1 and 3 articles still differ, both tiny next to 2020
    assert bars[0].params == {"year": None, "from_": "1957-01-01", "to": "1959-12-31"}
    assert bars[1].params == {"year": None, "from_": "1960-01-01", "to": "1964-12-31"}
    assert bars[0].clear == {"from_": None, "to": None}


def test_wider_ranges_get_decades_and_then_wider_spans() -> None:
    bars = buckets({1900: 2, 1951: 5, 2022: 7})
    assert [b.label for b in bars[:2]] == ["1900–1909", "1910–1919"] and len(bars) == 13
    assert [b.count for b in bars if b.count] == [2, 5, 7] and bars[1].height == 0
    assert len(buckets({1500: 1, 2022: 1})) <= MAX_BARS


def test_the_switch_to_wider_buckets_happens_past_max_bars() -> None:
    assert {b.years for b in buckets({2022 - MAX_BARS + 1: 1, 2022: 1})} == {1}
    assert max(b.years for b in buckets({2022 - MAX_BARS: 1, 2022: 1})) == 5
    assert buckets({}) == [] and buckets({2001: 0}) == []


def test_a_bucket_knows_when_the_search_is_already_filtered_to_it() -> None:
    year, span = Bucket(2020, 2020, 3, 50), Bucket(1960, 1964, 3, 50)
    assert year.is_on("2020", None, None) and not year.is_on("2021", None, None)
    assert span.is_on(None, date(1960, 1, 1), date(1964, 12, 31))
    assert not span.is_on(None, date(1960, 1, 1), None) and not span.is_on("1960", None, None)


# -- in Chromium ----------------------------------------------------------------------------------------
DEPARTMENTS = ("Văn phòng", "Thanh tra", "Sở Nội vụ", "Sở Tư pháp", "Sở Y tế", "Sở Tài chính", "Sở Xây dựng",
               "Sở Công Thương", "Công an Hà Nội", "Đảng ủy khối", "Sở Giáo dục", "Sở Giao thông", "Sở Du lịch",
               "Ban Dân tộc", "Đài Phát thanh")
FOLDED = "UBND thành phố Hà Nội"  # the only article of 1957: the smallest bar, and a department folded away


def archive_years() -> Counter[int]:
    """Articles a year: 1957 alone, every other year from 1960, and 2020 busy."""
    return Counter({1957: 1, **{y: 1 for y in range(1960, 2023, 2)}, 2020: 30})


def timeline_articles() -> list[Article]:
    out, n = [], 0
    for year, count in sorted(archive_years().items()):
        for k in range(count):
            n += 1
            dept = FOLDED if year == 1957 else DEPARTMENTS[n % len(DEPARTMENTS)]
            out.append(Article(
                id=f"t{n}", url=f"https://vp.example.gov.vn/tl/{n}.html", site="vp.example.gov.vn",
                title=f"Thông báo kết luận số {n}", published=f"{year}-{1 + k % 12:02d}-15", department=dept,
                category="Thông báo", body=f"Thông báo kết luận của {dept} năm {year}, lần {k + 1}.",
            ))
    return out


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real app over an index of timeline_articles(), served on 127.0.0.1 in a background thread."""
    index_path, _ = build_site(tmp_path_factory.mktemp("timeline-site"), timeline_articles())
    with served(create_app(EngineConfig(index_path.parent), per_page=5)) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    chromium = chromium_path()
    if chromium is None:
        pytest.skip("No Chromium at /usr/bin/chromium or on PATH (make browser)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    with sync_api.sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=chromium, headless=True,
                                      args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield launched
        launched.close()


def open_page(browser: Any, problems: list[str], **context: Any) -> Any:
    """A page that records console errors and failed responses (a CSP violation shows up there)."""
    page = browser.new_context(locale="vi-VN", **context).new_page()
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
    page.set_default_timeout(15_000)
    return page


def total(page: Any) -> int:
    return int(page.locator(".total strong").inner_text().replace(".", ""))


SEARCH = "/?q=thong+bao"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}


@pytest.mark.browser
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_every_bar_is_visible_and_the_smallest_clicks_through(browser: Any, server: str, size: str,
                                                              tmp_path: Path) -> None:
    problems: list[str] = []
    page = open_page(browser, problems, **(PHONE if size == "phone" else DESKTOP))
    width = page.viewport_size["width"]
    page.goto(server + SEARCH)
    expected = [b for b in buckets(archive_years()) if b.count]
    assert total(page) == sum(b.count for b in expected)
    bars = page.locator(".timeline svg a")
    assert bars.count() == len(expected) > 10
    for i, bucket in enumerate(expected):
        link = bars.nth(i)
        assert link.get_attribute("aria-label").startswith(f"Từ năm {bucket.start} đến {bucket.end}: ")
        bar, column = link.locator("rect").bounding_box(), link.bounding_box()
        assert bar["height"] >= 4, (bucket.label, bar)
        assert 0 <= bar["x"] and bar["x"] + bar["width"] <= width, (bucket.label, bar)
        assert column["height"] >= 24 and column["width"] >= 20, (bucket.label, column)  # easy to tap
    labels = [page.locator(".timeline-labels span").nth(i).bounding_box() for i in range(len(expected))]
    for left, right in zip(labels, labels[1:], strict=False):
        assert left["x"] + left["width"] <= right["x"] + 0.5, "labels overlap"
    assert labels[-1]["x"] + labels[-1]["width"] <= width
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(tmp_path / f"timeline-{size}.png"), full_page=True)

    smallest = min(range(len(expected)), key=lambda i: expected[i].count)
    box = bars.nth(smallest).locator("rect").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url(re.compile(r"from=1957-01-01"))
    params = {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}
    assert params == {"q": "thong bao", "from": "1957-01-01", "to": "1959-12-31"}
    assert total(page) == expected[smallest].count == 1
    assert not problems, problems


@pytest.mark.browser
def test_the_column_above_a_short_bar_is_part_of_its_link(browser: Any, server: str) -> None:
    problems: list[str] = []
    page = open_page(browser, problems, **PHONE)
    page.goto(server + SEARCH + "&from=2000-01-01&to=2009-12-31")  # single years: 2000, 2002, … 2008
    column = page.locator(".timeline svg a", has=page.locator("title", has_text="Năm 2004")).bounding_box()
    page.mouse.click(column["x"] + column["width"] / 2, column["y"] + 3)  # far above the bar itself
    page.wait_for_url(re.compile(r"year=2004"))
    assert total(page) == 1 and "from=2000-01-01" in page.url  # a year narrows the range it was picked in
    assert not problems, problems


def visible_values(page: Any, facet: str) -> list[str]:
    return [a.inner_text() for a in page.locator(f".facet-{facet} li a").all() if a.is_visible()]


@pytest.mark.browser
def test_the_filter_box_narrows_a_long_facet_list_ignoring_diacritics(browser: Any, server: str) -> None:
    problems: list[str] = []
    page = open_page(browser, problems, **DESKTOP)
    page.goto(server + SEARCH)
    box = page.locator(".facet-department input.facet-filter")
    assert box.get_attribute("placeholder") == "Lọc danh sách…"
    assert FOLDED not in visible_values(page, "department")  # folded into "Xem thêm" at first
    box.fill("ha noi")
    assert sorted(visible_values(page, "department")) == ["Công an Hà Nội", FOLDED]
    assert page.locator(".facet-department details").get_attribute("open") is not None
    box.fill("DANG uy")  # đ matches d, case does not matter
    assert visible_values(page, "department") == ["Đảng ủy khối"]
    box.fill("khong co")
    assert visible_values(page, "department") == []
    assert page.locator(".facet-department .facet-filter-status").inner_text() == "Không có giá trị nào khớp"
    box.fill("")
    assert len(visible_values(page, "department")) == 12  # back to the list as it was, folded part closed
    page.locator(".facet-year input.facet-filter").fill("196")  # the year list is long too
    assert visible_values(page, "year") == ["1968", "1966", "1964", "1962", "1960"]

    box.fill("thanh pho")
    page.locator(".facet-department a", has_text=FOLDED).click()  # a value found by filtering is a link
    page.wait_for_url(re.compile(r"department="))
    assert total(page) == 1
    assert not problems, problems


@pytest.mark.browser
def test_without_javascript_the_lists_and_the_timeline_are_plain(browser: Any, server: str) -> None:
    problems: list[str] = []
    page = open_page(browser, problems, java_script_enabled=False, **PHONE)
    page.goto(server + SEARCH)
    assert page.locator(".facet-filter").count() == 0
    assert len(visible_values(page, "department")) == 12
    page.locator(".facet-department summary").click()  # "Xem thêm" still unfolds the rest
    assert len(visible_values(page, "department")) == len(DEPARTMENTS) + 1
    page.locator(".timeline-table summary").click()  # the table of the timeline, with its links
    row = page.locator(".timeline-table tr", has_text="1960–1964")
    assert row.locator("td").inner_text() == "3"
    row.locator("a").click()
    page.wait_for_url(re.compile(r"to=1964-12-31"))
    assert total(page) == 3
    assert not problems, problems
