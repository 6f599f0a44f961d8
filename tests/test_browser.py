"""The search site in a real headless Chromium (Playwright) against a real server on 127.0.0.1.

The flow people follow: type a query without diacritics, narrow by year and department, page on,
open an article, come back. Screenshots land in each test's tmp dir (desktop and phone).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from indexer.backend import EngineConfig
from tests.conftest import chromium_path, served
from tests.test_webapp import build_site
from webapp import create_app

pytestmark = pytest.mark.browser

CHROMIUM = chromium_path()
if CHROMIUM is None:
    pytest.skip("No Chromium found at /usr/bin/chromium or on PATH: install Debian's chromium "
                "(make browser) to run the browser tests", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real app served by werkzeug on 127.0.0.1, port 0, in a background thread."""
    index_path, archive_path = build_site(tmp_path_factory.mktemp("browser-site"))
    with served(create_app(EngineConfig(index_path.parent), per_page=3)) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[sync_api.Browser]:
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def problems() -> list[str]:
    """Console errors and failed requests seen by a page (a CSP violation shows up here)."""
    return []


def new_page(browser: sync_api.Browser, problems: list[str], **context: object) -> sync_api.Page:
    page = browser.new_context(locale="vi-VN", **context).new_page()
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    # a request cut short by our own next navigation (the favicon, often) is no problem
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url} {r.failure}")
            if "ERR_ABORTED" not in (r.failure or "") else None)
    page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
    page.set_default_timeout(15_000)
    return page


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def total(page: sync_api.Page) -> int:
    return int(page.locator(".total strong").inner_text().replace(".", ""))


def test_search_narrow_paginate_open_and_come_back(browser: sync_api.Browser, server: str, problems: list[str],
                                                   tmp_path: Path) -> None:
    # no JavaScript at all: search must work without it
    page = new_page(browser, problems, java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page.goto(server + "/")
    assert page.locator("#q").get_attribute("autofocus") is not None
    page.fill("#q", "hoi nghi")
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"q=hoi\+nghi"))
    everything = total(page)
    assert everything > 10
    assert page.locator(".hits mark").first.inner_text().lower() in ("hội", "nghị")
    assert page.locator("#q").input_value() == "hoi nghi"  # the box keeps the query
    page.screenshot(path=str(tmp_path / "results-desktop.png"), full_page=True)

    page.locator(".facet-year a", has_text="2021").click()
    page.wait_for_url(re.compile(r"year=2021"))
    in_2021 = total(page)
    assert 0 < in_2021 < everything
    assert page.locator(".chip", has_text="Năm: 2021").is_visible()

    page.locator(".facet-department a", has_text="Văn phòng").click()
    page.wait_for_url(re.compile(r"department="))
    assert query(page.url) == {"q": "hoi nghi", "year": "2021", "department": "Văn phòng"}
    narrowed = total(page)
    assert 3 < narrowed <= in_2021  # more than one page at three per page

    page.locator(".pagination a[rel=next]").click()
    page.wait_for_url(re.compile(r"page=2"))
    assert query(page.url) == {"q": "hoi nghi", "year": "2021", "department": "Văn phòng", "page": "2"}
    assert page.locator(".pagination [aria-current=page]").inner_text() == "2"
    results_url = page.url

    title = page.locator(".hits h2 a").first.inner_text()
    page.locator(".hits h2 a").first.click()
    page.wait_for_url(re.compile(r"/article\?"))
    assert page.locator("h1").inner_text() == title
    assert page.locator(".article .body mark").count() > 0  # the query's words, marked
    assert "2021" in page.locator(".article .meta").inner_text()

    page.go_back()  # the browser's back button returns to the same results
    assert page.url == results_url and total(page) == narrowed
    page.go_forward()
    page.locator(".back a").click()  # and so does the page's own link back: it keeps the whole search
    page.wait_for_url(lambda url: "/article" not in url)
    assert query(page.url) == query(results_url)

    page.locator(".chip", has_text="Năm: 2021").click()  # a chip removes its filter
    page.wait_for_url(lambda url: "year=" not in url)
    assert query(page.url) == {"q": "hoi nghi", "department": "Văn phòng"}
    assert not problems, problems


def test_year_chart_filters_and_sort_newest(browser: sync_api.Browser, server: str, problems: list[str]) -> None:
    page = new_page(browser, problems)
    page.goto(server + "/?q=hoi+nghi")
    assert page.locator(".timeline svg rect").count() == 4
    page.locator(".timeline svg a").nth(1).click()  # the bar of 2020
    page.wait_for_url(re.compile(r"year=2020"))
    page.locator(".sort a", has_text="mới nhất").click()
    page.wait_for_url(re.compile(r"sort=newest"))
    dates = [d.split("/")[::-1] for d in page.locator(".hits time").all_inner_texts()]
    assert dates == sorted(dates, reverse=True) and all(d[0] == "2020" for d in dates)
    assert not problems, problems


def test_keyboard_only(browser: sync_api.Browser, server: str, problems: list[str]) -> None:
    page = new_page(browser, problems)
    page.goto(server + "/")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'q'")  # autofocus
    page.keyboard.type("thi dua")  # typing goes straight into the box
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=thi\+dua"))
    assert total(page) > 0
    for _ in range(20):  # from the box, Tab walks to the first result...
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('.hits h2 a')"):
            break
    else:
        pytest.fail("Tab never reached a result link")
    page.keyboard.press("Enter")  # ...and Enter opens it
    page.wait_for_url(re.compile(r"/article\?"))
    assert page.locator("h1").inner_text()
    assert not problems, problems


def test_phone_layout_and_hostile_article(browser: sync_api.Browser, server: str, problems: list[str],
                                          tmp_path: Path) -> None:
    page = new_page(browser, problems, viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True,
                    device_scale_factor=2)
    page.goto(server + "/?q=hoi+nghi&year=2021")
    no_sideways = "document.documentElement.scrollWidth <= window.innerWidth"
    assert page.evaluate(no_sideways)
    assert page.locator(".jump a").is_visible()  # the way down to the filters
    box = page.locator(".hits").bounding_box()
    assert box and box["y"] < 740  # results start on the first screen
    page.screenshot(path=str(tmp_path / "results-phone.png"), full_page=True)

    page.goto(server + "/?q=canh+bao")
    page.locator(".hits h2 a").first.click()
    page.wait_for_url(re.compile(r"/article\?"))
    assert "<script>alert(1)</script>" in page.locator("h1").inner_text()  # shown as text, never run
    assert page.evaluate("document.querySelectorAll('main script').length") == 0
    assert page.evaluate(no_sideways)
    page.screenshot(path=str(tmp_path / "article-phone.png"), full_page=True)
    assert not problems, problems
