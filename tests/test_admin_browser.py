"""Hinted filters, the "Người" facet and the event-date filter in a real headless Chromium, on a desktop and a
phone, against a real server over the agency posts of tests/test_admin_search.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from indexer.backend import EngineConfig
from tests.conftest import served
from tests.test_admin_search import ALIASES, HCTH, agency_articles
from tests.test_browser import CHROMIUM, browser, new_page, problems, query, sync_api  # noqa: F401  (fixtures)
from tests.test_webapp import build_site
from webapp import create_app

pytestmark = pytest.mark.browser
assert CHROMIUM is not None  # test_browser skips its importers without one

SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    index_path, _archive = build_site(tmp_path_factory.mktemp("agency-browser"), agency_articles())
    with served(create_app(EngineConfig(index_path.parent), department_aliases=ALIASES)) as url:
        yield url


def follow(page: sync_api.Page, target: sync_api.Locator) -> None:
    """A real click on a link or button, and the page it leads to loaded."""
    with page.expect_navigation():
        target.click()


def titles(page: sync_api.Page) -> list[str]:
    return page.locator(".hits h2 a").all_inner_texts()


@pytest.mark.parametrize("size", SIZES)
def test_hint_chips_apply_their_filter_on_a_click(server: str, browser: sync_api.Browser,  # noqa: F811
                                                  problems: list[str], size: str, tmp_path: Path) -> None:  # noqa: F811
    page = new_page(browser, problems, viewport=SIZES[size])
    page.goto(f"{server}/?q=hoi+nghi+phong+HC-TH+2018")
    chips = page.locator(".hints a.chip")
    assert chips.count() == 2
    department = page.locator(".hints a.chip", has_text="Hành chính - Tổng hợp")
    assert department.is_visible() and department.bounding_box()["height"] >= 20
    page.screenshot(path=str(tmp_path / f"hints-{size}.png"), full_page=True)
    follow(page, department)
    assert query(page.url)["department"] == HCTH and query(page.url)["q"] == "hoi nghi 2018"
    assert titles(page) == ["Hội nghị tổng kết phong trào thi đua năm 2018"]
    # the year is still offered, and taking it leaves the words to search
    follow(page, page.locator(".hints a.chip", has_text="2018"))
    assert query(page.url)["year"] == "2018" and query(page.url)["q"] == "hoi nghi"
    assert page.locator(".hints a.chip").count() == 0
    assert titles(page) == ["Hội nghị tổng kết phong trào thi đua năm 2018"]
    assert problems == []


@pytest.mark.parametrize("size", SIZES)
def test_the_people_facet_and_the_event_dates_filter(server: str, browser: sync_api.Browser,  # noqa: F811
                                                     problems: list[str], size: str) -> None:  # noqa: F811
    page = new_page(browser, problems, viewport=SIZES[size])
    page.goto(f"{server}/?q=tong+ket")
    follow(page, page.locator(".facet-person a", has_text="Hà Lê Thanh Chung"))
    assert query(page.url)["person"] == "Hà Lê Thanh Chung"
    assert titles(page) == ["Hội nghị tổng kết công tác năm 2019"]
    assert "Hà Lê Thanh Chung (Phó Giám đốc)" in page.locator(".hits .people").inner_text()

    page.goto(f"{server}/?q=tinh")
    form = page.locator(".facet-event form")
    form.locator("input[name=event_from]").fill("2019-01-01")
    form.locator("input[name=event_to]").fill("2019-01-31")
    follow(page, form.locator("button"))
    assert query(page.url)["event_from"] == "2019-01-01" and query(page.url)["event_to"] == "2019-01-31"
    assert titles(page) == ["UBND tỉnh họp phiên thường kỳ tháng 1"]
    assert page.locator(".hits .event").inner_text() == "Diễn ra: 18/01/2019"
    assert "Diễn ra từ 01/01/2019" in page.locator(".chips").inner_text()
    follow(page, page.locator(".hits h2 a"))
    assert "18/01/2019" in page.locator(".article .event").inner_text()
    assert "Hà Lê Thanh Chung" in page.locator(".article .people").inner_text()
    assert problems == []
