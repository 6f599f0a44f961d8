"""The bundled demo portal: its content is what the demo and the crawler tests rely on, over real HTTP."""

from __future__ import annotations

import http.client
import io
import math
import re
import subprocess
import sys
import time
import tomllib
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from tracuu.demosite import (
    ARTICLES,
    CATEGORIES,
    DEPARTMENT_ALIASES,
    PROFILE_PATH,
    SUMMARY_MEETING_ID,
    DemoSite,
    slugify,
)
from tracuu.demosite.content import VIETNAM_TZ, fold_ascii, vietnamese_weekday
from tracuu.demosite.server import ATTACHMENTS_DIR, bundled_attachment

ROOT = Path(__file__).resolve().parents[1]
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@dataclass
class Reply:
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    @property
    def soup(self) -> BeautifulSoup:
        return BeautifulSoup(self.text, "html.parser")


def fetch(url: str, headers: dict[str, str] | None = None, method: str = "GET") -> Reply:
    """One request, no redirect following, so tests see exactly what the server sent."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request(method, parts.path + (f"?{parts.query}" if parts.query else ""), headers=headers or {})
        resp = conn.getresponse()
        return Reply(resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read())
    finally:
        conn.close()


def today_vn() -> set[str]:
    """Today's header line, allowing for a midnight between request and check."""
    now = datetime.now(VIETNAM_TZ)
    return {f"{vietnamese_weekday(d.date(), title_case=True)}, {d:%d/%m/%Y}" for d in (now, now - timedelta(1))}


def crawl_list(site: DemoSite, start_path: str) -> list[tuple[list[str], list[str]]]:
    """Follow rel=next from a list page: per page, (pinned article paths, listed article paths)."""
    out = []
    url: str | None = site.base_url + start_path
    while url:
        reply = fetch(url)
        assert reply.status == 200, url
        soup = reply.soup
        pinned = [a["href"] for a in soup.select(".news-pinned .item h3 a")]
        listed = [a["href"] for a in soup.select(".news-list .item h3 a")]
        out.append((pinned, listed))
        next_link = soup.select_one('a[rel="next"]')
        url = site.base_url + next_link["href"] if next_link else None
        assert len(out) < 50, "pagination does not end"
    return out


def sitemap(site: DemoSite) -> dict[str, str]:
    reply = fetch(site.base_url + "/sitemap.xml")
    assert reply.status == 200
    assert reply.headers["content-type"].startswith("application/xml")
    root = ET.fromstring(reply.body)
    return {u.findtext("sm:loc", namespaces=SITEMAP_NS): u.findtext("sm:lastmod", namespaces=SITEMAP_NS)
            for u in root.findall("sm:url", SITEMAP_NS)}


@pytest.fixture(scope="module")
def site():
    with DemoSite() as running:
        yield running


@pytest.fixture
def fresh_site():
    """A site of its own, for tests that change content."""
    with DemoSite() as running:
        yield running


def by_id(article_id: int):
    return next(a for a in ARTICLES if a.id == article_id)


# --- content ---------------------------------------------------------------------------------------------


def test_enough_articles_years_departments_categories():
    years = Counter(a.published.year for a in ARTICLES)
    assert len(ARTICLES) >= 36
    assert len(years) >= 4 and all(years[y] >= 3 for y in range(2018, 2023))
    assert len({a.department for a in ARTICLES}) >= 5
    assert {a.category_slug for a in ARTICLES} == set(CATEGORIES) and len(CATEGORIES) >= 4
    assert [a.published for a in ARTICLES] == sorted((a.published for a in ARTICLES), reverse=True)


def test_articles_are_well_formed():
    assert len({a.id for a in ARTICLES}) == len(ARTICLES)
    for a in ARTICLES:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", a.slug) and a.slug == slugify(a.title)
        assert 3 <= len(a.paragraphs) <= 8, a.id
        words = len(" ".join(a.paragraphs).split())
        assert (60 if a.category_slug == "thong-bao" else 150) <= words <= 500, (a.id, words)
        assert DEPARTMENT_ALIASES[a.signature] == a.department
        assert 2018 <= a.published.year <= 2022 and a.published.tzinfo is None
        assert a.path == f"/vi/news/{a.category_slug}/{a.slug}-{a.id}.html"
        for attachment in a.attachments:
            assert attachment["file"].endswith((".pdf", ".docx", ".doc", ".xlsx")) and attachment["title"]


def test_all_text_is_nfc():
    for a in ARTICLES:
        texts = [a.title, a.signature, a.department, a.category, *a.paragraphs,
                 *(t["title"] for t in a.attachments)]
        assert all(unicodedata.is_normalized("NFC", t) for t in texts), a.id
    assert all(unicodedata.is_normalized("NFC", k + v) for k, v in DEPARTMENT_ALIASES.items())


def test_exactly_one_summary_meeting_article():
    matches = [a for a in ARTICLES if "Hội nghị tổng kết" in a.title]
    assert [a.id for a in matches] == [SUMMARY_MEETING_ID]
    meeting = matches[0]
    assert meeting.title == "Hội nghị tổng kết phong trào thi đua năm 2018"
    assert meeting.published == datetime(2019, 1, 18, 8, 30)
    assert meeting.signature == "Phòng HC-TH"
    assert "Trung tâm Khuyến công" in meeting.paragraphs[0]
    others = [a for a in ARTICLES if a is not meeting
              and "hội nghị tổng kết" in (a.title + " " + " ".join(a.paragraphs)).lower()]
    assert others == []
    assert sum("hội nghị" in " ".join(a.paragraphs).lower() for a in ARTICLES) >= 5  # other meetings exist


def test_spelling_variants_and_document_numbers_occur_naturally():
    def ids_with(phrase: str) -> set[int]:
        return {a.id for a in ARTICLES if phrase in a.title + " " + " ".join(a.paragraphs)}

    assert ids_with("hoà giải") and ids_with("hòa nhập") and ids_with("hoà giải").isdisjoint(ids_with("hòa nhập"))
    assert ids_with("thuỷ sản") and ids_with("thủy lợi")
    for phrase in ("Quyết định số 1234/QĐ-UBND", "Kế hoạch 56/KH-SCT", "18/01/2019", "Ủy ban nhân dân tỉnh",
                   "Bộ Công Thương"):
        assert ids_with(phrase), phrase


def test_one_older_pinned_notice_and_attachment_notices():
    pinned = [a for a in ARTICLES if a.pinned]
    assert len(pinned) == 1 and pinned[0] not in ARTICLES[:10]
    notices = [a for a in ARTICLES if a.category_slug == "thong-bao"]
    assert len(notices) >= 4 and all(a.attachments for a in notices)
    assert any(f["file"].endswith(".docx") for a in ARTICLES for f in a.attachments)


def test_profile_matches_department_aliases():
    data = tomllib.loads(PROFILE_PATH.read_text(encoding="utf-8"))
    assert data["site"]["id"] == "demo" and data["site"]["start_urls"] == ["{base_url}/vi/news/"]
    table = data["departments"]["aliases"]
    flattened = {spelling: canonical for canonical, spellings in table.items() for spelling in spellings}
    flattened.update({canonical: canonical for canonical in table})
    assert {k: v for k, v in flattened.items() if k in DEPARTMENT_ALIASES} == DEPARTMENT_ALIASES
    assert set(DEPARTMENT_ALIASES) <= set(flattened)


def test_crawler_profile_maps_every_signature_to_its_department():
    profiles = pytest.importorskip("crawl.profiles")
    departments = pytest.importorskip("crawl.departments")
    profile = profiles.load_profile_file(PROFILE_PATH, substitutions={"base_url": "http://127.0.0.1:9"})
    assert profile.start_urls == ("http://127.0.0.1:9/vi/news/",)
    for a in ARTICLES:
        raw = departments.department_from_line(a.signature)
        assert profile.canonical_department(departments.normalize_department(raw)) == a.department, a.signature


# --- server ----------------------------------------------------------------------------------------------


def test_start_returns_base_url_and_stop_frees_the_port():
    demo = DemoSite()
    url = demo.start()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", url) and demo.base_url == url
    assert demo.start() == url  # already running: same site
    assert fetch(url + "/robots.txt").status == 200
    demo.stop()
    demo.stop()
    with pytest.raises(OSError):
        fetch(url + "/robots.txt")


def test_stop_does_not_hang_on_an_open_keep_alive_connection():
    demo = DemoSite()
    parts = urlsplit(demo.start())
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request("GET", "/vi/news/")
        assert conn.getresponse().read()
        started = time.monotonic()
        demo.stop()
        assert time.monotonic() - started < 3
    finally:
        conn.close()


def test_news_pagination_lists_every_article_once_plus_the_pinned_one(site):
    pages = crawl_list(site, "/vi/news/")
    pinned_path = next(a.path for a in ARTICLES if a.pinned)
    assert len(pages) == math.ceil(len(ARTICLES) / site.per_page)
    assert all(pinned == [pinned_path] for pinned, _ in pages)
    listed = [path for _, items in pages for path in items]
    assert listed == [a.path for a in ARTICLES]  # newest first, each exactly once
    assert all(len(items) <= site.per_page for _, items in pages)


def test_list_items_show_date_and_summary_and_numbered_pages(site):
    soup = fetch(site.base_url + "/vi/news/page-2").soup
    first = soup.select_one(".news-list .item")
    article = ARTICLES[site.per_page]
    assert first.select_one("h3 a").get_text() == article.title
    assert first.select_one(".date").get_text() == article.published.strftime("%d/%m/%Y")
    summary = first.select_one(".summary").get_text()
    assert summary == article.summary and article.paragraphs[0].startswith(summary.removesuffix("…"))
    page_links = {a.get_text(): a["href"] for a in soup.select(".generate_page a")}
    assert page_links["1"] == "/vi/news/" and page_links["3"] == "/vi/news/page-3"
    assert soup.select_one('a[rel="prev"]')["href"] == "/vi/news/"
    assert soup.select_one('a[rel="next"]').get_text().startswith("Trang sau")
    assert fetch(site.base_url + "/vi/news/page-99").status == 404
    assert fetch(site.base_url + "/vi/news/page-0").status == 404
    assert fetch(site.base_url + "/vi/news/page-1").headers["location"] == "/vi/news/"
    assert fetch(site.base_url + "/vi/news/thong-bao/page-1/").headers["location"] == "/vi/news/thong-bao/"


def test_category_pagination_covers_each_category():
    with DemoSite(per_page=3) as small:
        for slug in CATEGORIES:
            pages = crawl_list(small, f"/vi/news/{slug}/")
            listed = [path for _, items in pages for path in items]
            assert listed == [a.path for a in ARTICLES if a.category_slug == slug], slug
            assert len(pages) == math.ceil(len(listed) / 3)
            assert all(len(pinned) == 1 for pinned, _ in pages)


def test_article_page_has_title_date_line_body_signature_and_traps(site):
    meeting = by_id(SUMMARY_MEETING_ID)
    reply = fetch(site.url_for(meeting))
    assert reply.status == 200 and reply.headers["content-type"] == "text/html; charset=utf-8"
    soup = reply.soup
    assert soup.select_one('meta[charset="utf-8"]') is not None
    assert soup.title.get_text() == "Hội nghị tổng kết phong trào thi đua năm 2018 - Sở Công Thương tỉnh Bắc Sơn"
    assert soup.select_one("h1.title").get_text() == meeting.title
    assert "Thứ sáu - 18/01/2019 08:30" in soup.get_text()
    body = soup.select_one("div#news-bodyhtml.bodytext")
    paragraphs = body.find_all("p")
    assert [p.get_text() for p in paragraphs[:-1]] == meeting.paragraphs
    assert paragraphs[-1]["style"] == "text-align:right"
    assert paragraphs[-1].strong.get_text() == "Phòng HC-TH"
    assert soup.select_one('link[rel="canonical"]')["href"] == site.base_url + meeting.path
    assert soup.select_one(".current-time").get_text() in today_vn()
    related = soup.select(".news-related li")
    assert len(related) == 5 and all(re.search(r"\(\d{2}/\d{2}/\d{4}\)", li.get_text()) for li in related)
    assert re.search(r"Lượt xem: \d+", soup.get_text())
    def without_clock(text: str) -> str:
        return re.sub(r'<div class="current-time">.*?</div>', "", text)

    assert without_clock(fetch(site.url_for(meeting)).text) == without_clock(reply.text)  # deterministic


def test_every_article_page_shows_its_own_date_line_and_signature(site):
    for a in site.articles:
        soup = fetch(site.url_for(a)).soup
        expected = f"{vietnamese_weekday(a.published.date())} - {a.published:%d/%m/%Y %H:%M}"
        assert soup.select_one(".meta").get_text() == expected
        assert soup.select("#news-bodyhtml p")[-1].get_text() == a.signature
        links = [link["href"] for link in soup.select(".news-attachments a")]
        assert links == a.attachment_paths
        assert all(f"Tải về: {t['title']}" in soup.get_text() for t in a.attachments)


def test_tracking_parameters_give_the_same_page_and_bad_aliases_redirect(site):
    article = by_id(SUMMARY_MEETING_ID)
    plain = fetch(site.url_for(article))
    tracked = fetch(site.url_for(article) + "?utm_source=facebook")
    assert tracked.status == 200
    assert tracked.soup.select_one('link[rel="canonical"]')["href"] == site.base_url + article.path
    assert tracked.soup.select_one("#news-bodyhtml").get_text() == plain.soup.select_one("#news-bodyhtml").get_text()
    moved = fetch(site.base_url + f"/vi/news/thong-bao/ten-cu-{article.id}.html")
    assert moved.status == 301 and moved.headers["location"] == article.path
    assert fetch(site.base_url + "/vi/news/khuyen-cong").headers["location"] == "/vi/news/khuyen-cong/"


def test_conditional_get_answers_304_when_unchanged(site):
    url = site.url_for(SUMMARY_MEETING_ID)
    first = fetch(url)
    etag, last_modified = first.headers["etag"], first.headers["last-modified"]
    assert last_modified == "Fri, 18 Jan 2019 01:30:00 GMT"
    not_modified = fetch(url, {"If-None-Match": etag})
    assert not_modified.status == 304 and not_modified.body == b""
    assert not_modified.headers["etag"] == etag
    assert fetch(url, {"If-Modified-Since": last_modified}).status == 304
    assert fetch(url, {"If-Modified-Since": "Thu, 17 Jan 2019 00:00:00 GMT"}).status == 200
    assert fetch(url, {"If-None-Match": '"something-else"'}).status == 200
    assert fetch(url, {"If-None-Match": '"x", ' + etag}).status == 304


def test_edit_article_changes_validators_and_sitemap_lastmod(fresh_site):
    article = by_id(SUMMARY_MEETING_ID)
    url = fresh_site.url_for(article)
    before = fetch(url)
    lastmods = sitemap(fresh_site)
    assert lastmods[url] == "2019-01-18T08:30:00+07:00"
    edited = fresh_site.edit_article(article.id, paragraphs=[*article.paragraphs, "Đính chính: bổ sung danh sách."])
    assert edited.path == article.path
    after = fetch(url, {"If-None-Match": before.headers["etag"]})
    assert after.status == 200 and "Đính chính: bổ sung danh sách." in after.text
    assert after.headers["etag"] != before.headers["etag"]
    assert fetch(url, {"If-Modified-Since": before.headers["last-modified"]}).status == 200
    assert fetch(url, {"If-None-Match": after.headers["etag"]}).status == 304
    assert fetch(url, {"If-Modified-Since": after.headers["last-modified"]}).status == 304
    new_lastmods = sitemap(fresh_site)
    assert new_lastmods[url] != lastmods[url]
    assert {k: v for k, v in new_lastmods.items() if k != url} == {k: v for k, v in lastmods.items() if k != url}
    retitled = fresh_site.edit_article(article.id, title="Hội nghị tổng kết phong trào thi đua năm 2018 (cập nhật)")
    assert retitled.last_modified > edited.last_modified
    assert fetch(url).soup.select_one("h1.title").get_text().endswith("(cập nhật)")


def test_add_article_appears_first_everywhere(fresh_site):
    new = fresh_site.new_article("Thông báo lịch nghỉ Tết Nguyên đán", ["Đoạn một.", "Đoạn hai.", "Đoạn ba."],
                                 department="Hành chính - Tổng hợp", category_slug="thong-bao")
    assert new.id > max(a.id for a in ARTICLES) and new.signature == "Phòng HC-TH"
    fresh_site.add_article(new)
    for start in ("/vi/news/", "/vi/news/thong-bao/"):
        soup = fetch(fresh_site.base_url + start).soup
        assert soup.select_one(".news-list .item h3 a")["href"] == new.path
    page = fetch(fresh_site.url_for(new)).soup
    assert page.select_one("h1.title").get_text() == "Thông báo lịch nghỉ Tết Nguyên đán"
    assert fresh_site.base_url + new.path in sitemap(fresh_site)
    listed = [p for _, items in crawl_list(fresh_site, "/vi/news/") for p in items]
    assert listed[0] == new.path and len(listed) == len(ARTICLES) + 1
    with pytest.raises(ValueError):
        fresh_site.add_article(new)


def test_remove_article_unpublishes_it(fresh_site):
    gone = ARTICLES[0]
    fresh_site.remove_article(gone.id)
    assert fetch(fresh_site.base_url + gone.path).status == 404
    assert fresh_site.base_url + gone.path not in sitemap(fresh_site)
    assert gone.path not in [p for _, items in crawl_list(fresh_site, "/vi/news/") for p in items]
    assert len(ARTICLES) >= 36 and ARTICLES[0] is gone  # the module data is never touched


def test_robots_txt_default_and_override(site):
    robots = fetch(site.base_url + "/robots.txt")
    assert robots.headers["content-type"].startswith("text/plain")
    assert "User-agent: *\nDisallow: /admin/\n" in robots.text
    assert f"Sitemap: {site.base_url}/sitemap.xml" in robots.text
    with DemoSite(robots_txt="User-agent: *\nDisallow: /\n") as closed:
        assert fetch(closed.base_url + "/robots.txt").text == "User-agent: *\nDisallow: /\n"


def test_admin_exists_and_is_recorded(fresh_site):
    fresh_site.clear_requests()
    assert fetch(fresh_site.base_url + "/admin/").status == 200
    assert [r.path for r in fresh_site.requests_for("/admin/")] == ["/admin/"]
    assert 'href="/admin/"' in fetch(fresh_site.base_url + "/").text


def generated(path: str) -> bool:
    """An attachment built on demand (not one of the real files in ATTACHMENTS_DIR)."""
    return bundled_attachment(path.rsplit("/", 1)[-1]) is None


def test_attachments_are_served_with_their_types(site):
    pdf = next(p for a in ARTICLES for p in a.attachment_paths if p.endswith(".pdf") and generated(p))
    reply = fetch(site.base_url + pdf)
    assert reply.status == 200 and reply.headers["content-type"] == "application/pdf"
    assert reply.body.startswith(b"%PDF-1.4") and reply.body.rstrip().endswith(b"%%EOF")
    docx = next(p for a in ARTICLES for p in a.attachment_paths if p.endswith(".docx") and generated(p))
    reply = fetch(site.base_url + docx)
    assert reply.headers["content-type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    with zipfile.ZipFile(io.BytesIO(reply.body)) as zf:
        assert "Sở Công Thương" in zf.read("word/document.xml").decode("utf-8")
    assert fetch(site.base_url + "/uploads/news/khong-co.pdf").status == 404


# The real files scripts/make-demo-attachments writes, each with words no post has: a search for them can only
# find the post through its attachment.
REAL_ATTACHMENTS = {
    "QD-1568-UBND.pdf": ("pdf", "application/pdf", "nón lá"),
    "Giay-moi-hop-scan.pdf": ("pdf", "application/pdf", "di dời"),
    "Ke-hoach-2020.docx": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                           "nghề rèn"),
    "Bao-cao-tong-ket-2020.doc": ("doc", "application/octet-stream", "nước mắm"),  # the crawler must sniff it
    "Ket-qua-binh-chon-2019.xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                    "bạc hà"),
}


def test_real_attachments_are_served_as_they_are_and_are_what_their_names_say(site):
    sniff = pytest.importorskip("attachments.sniff").sniff
    shipped = {path.name for path in ATTACHMENTS_DIR.iterdir() if path.is_file()}
    assert shipped == set(REAL_ATTACHMENTS)
    assert sum((ATTACHMENTS_DIR / name).stat().st_size for name in shipped) < 400 * 1024  # kept in git
    for name, (kind, content_type, _words) in REAL_ATTACHMENTS.items():
        paths = [p for a in ARTICLES for p in a.attachment_paths if p.endswith("/" + name)]
        assert len(paths) == 1, name
        reply = fetch(site.base_url + paths[0])
        assert reply.status == 200 and reply.headers["content-type"] == content_type, name
        assert reply.body == (ATTACHMENTS_DIR / name).read_bytes()
        assert sniff(reply.body) == kind, name


def test_real_attachments_hold_words_no_post_has():
    extract = pytest.importorskip("attachments.extract")
    posts = fold_ascii(" ".join(a.title + " " + " ".join(a.paragraphs) + " " + " ".join(t["title"] for t in
                                a.attachments) for a in ARTICLES)).lower()
    for name, (_kind, _type, words) in REAL_ATTACHMENTS.items():
        assert fold_ascii(words) not in posts, name
        read = extract.extract((ATTACHMENTS_DIR / name).read_bytes())
        if name.endswith(".doc") and read.error and read.error.startswith("no converter"):
            continue  # antiword, catdoc or LibreOffice reads it where installed
        if "scan" in name:
            assert read.scanned_pages == [1] and words not in " ".join(read.text.split())  # only OCR can read it
            continue
        assert read.error is None and words in " ".join(read.text.split()).lower(), (name, read.error)
    decision = extract.extract((ATTACHMENTS_DIR / "QD-1568-UBND.pdf").read_bytes())
    assert decision.page_count == 3 and ["nón lá" in " ".join(p.split()) for p in decision.pages] == [
        False, True, False]


def test_unknown_paths_are_404_pages_and_posts_are_refused(site):
    for path in ("/khong-ton-tai", "/vi/news/khong-co-muc/", "/vi/news/tin-hoat-dong/a-99999.html"):
        reply = fetch(site.base_url + path)
        assert reply.status == 404 and "<html" in reply.text, path
    refused = fetch(site.base_url + "/admin/index.php", method="POST")
    assert refused.status == 405 and refused.headers["allow"] == "GET, HEAD"


def test_requests_are_recorded_with_headers_and_times(fresh_site):
    fresh_site.clear_requests()
    fetch(fresh_site.base_url + "/vi/news/", {"User-Agent": "tracuu-test/1.0", "If-None-Match": '"x"'})
    head = fetch(fresh_site.base_url + "/robots.txt", method="HEAD")
    assert head.status == 200 and head.body == b"" and int(head.headers["content-length"]) > 0
    first, second = fresh_site.requests
    assert (first.method, first.path, second.method) == ("GET", "/vi/news/", "HEAD")
    assert first.headers["User-Agent"] == "tracuu-test/1.0" and first.header("if-none-match") == '"x"'
    assert first.timestamp <= second.timestamp <= time.monotonic()


def test_served_pages_are_nfc_and_home_shows_today_and_newest(site):
    home = fetch(site.base_url + "/")
    for reply in (home, fetch(site.base_url + "/vi/news/"), fetch(site.url_for(ARTICLES[5]))):
        assert unicodedata.is_normalized("NFC", reply.text)
    soup = home.soup
    assert soup.select_one(".current-time").get_text() in today_vn()
    newest = [a["href"] for a in soup.select("ul.news-new a")]
    assert newest == [site.base_url + a.path for a in ARTICLES[:5]]
    menu = {a["href"] for a in soup.select("#menu-site-default a")}
    assert {f"/vi/news/{slug}/" for slug in CATEGORIES} <= menu
    assert "Điện thoại" in soup.select_one("#footer").get_text()


def test_inject_error_then_recover(fresh_site):
    fresh_site.inject_error("/vi/news/", 503, times=1, retry_after=2)
    failed = fetch(fresh_site.base_url + "/vi/news/")
    assert failed.status == 503 and failed.headers["retry-after"] == "2"
    assert fetch(fresh_site.base_url + "/vi/news/").status == 200


def test_last_modified_header_matches_sitemap(site):
    article = ARTICLES[3]
    header = fetch(site.url_for(article)).headers["last-modified"]
    assert parsedate_to_datetime(header) == article.published.replace(tzinfo=VIETNAM_TZ)
    assert sitemap(site)[site.url_for(article)] == article.published.strftime("%Y-%m-%dT%H:%M:%S+07:00")


def test_module_entry_point_serves_until_stopped():
    proc = subprocess.Popen([sys.executable, "-m", "tracuu.demosite", "--port", "0"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:\d+", line)
        assert match, line + proc.stderr.read()
        assert fetch(match.group(0) + "/robots.txt").status == 200
    finally:
        proc.terminate()
        proc.communicate(timeout=10)
    assert proc.returncode == 0
