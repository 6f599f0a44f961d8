"""The crawler's attachments, against a local portal serving real generated files: every kind read (Vietnamese
whole, TCVN3 converted, scans left for OCR), files kept by hash, bad files recorded and skipped, and re-crawls
that neither download nor read an unchanged file again."""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from archive import PAGE_BREAK, Archive, FileStore
from attachments.extract import Extracted
from crawl import attachments as crawl_attachments
from crawl.crawler import CrawlEvent, CrawlStats, crawl_sites
from crawl.profiles import SiteProfile
from tests import attachment_files as af
from tests import scans
from tests.test_attachments_legacy import SENTENCES, to_tcvn3
from tests.test_crawl_portal import Hit, NewsPortal, Portal, Post, Response, portal_factory

pytestmark = pytest.mark.skipif(af.font_path() is None or scans.fonts_missing() is not None,
                                reason="DejaVu fonts not found: install Debian's fonts-dejavu-core")

news_portal = pytest.fixture(portal_factory, name="news_portal")
UA = "tracuu-test/0.1 (+https://example.org/tracuu)"
CAP = 400_000  # attachment_max_bytes in these tests: above every good file (the scan is ~170 KB)
PDF = "application/pdf"
ROBOTS = "User-agent: *\nDisallow: /private/\n"


@dataclass
class Served:
    """A file on the portal that tests can change; with `etag`, it answers If-None-Match with 304."""

    data: bytes
    content_type: str = PDF
    etag: bool = True
    length: bool = True
    status: int = 200

    def respond(self, hit: Hit) -> Response:
        headers = {"Content-Type": self.content_type}
        if self.status != 200:
            return self.status, headers, b"error"
        if self.etag:
            headers["ETag"] = f'"{hashlib.sha256(self.data).hexdigest()[:16]}"'
            if hit.headers.get("if-none-match") == headers["ETag"]:
                return 304, headers, b""
        if not self.length:
            headers["Content-Length"] = ""  # the portal then ends the body by closing the connection
        return 200, headers, self.data


@pytest.fixture(scope="module")
def made() -> dict[str, bytes]:
    """The files, generated once: good ones of every kind, and bad ones."""
    scan = scans.degrade(scans.render_page(scans.BODY[:3], dpi=150, header=False))
    return {
        "text.pdf": af.text_pdf(2), "quyet-dinh.docx": af.docx_file(), "ke-hoach.xlsx": af.xlsx_file(),
        "ke-hoach.xls": af.xls_file(), "bao-cao.odt": af.odt_file(),
        "tcvn3.pdf": af.mixed_pdf(["text"], [to_tcvn3(s) for s in SENTENCES[:4]]), "scan.pdf": scan.pdf(),
        "corrupt.pdf": af.garbage_pdf(), "encrypted.pdf": af.encrypted_pdf(),
        "truncated.pdf": af.truncated(af.text_pdf(3)), "bomb.docx": af.zip_bomb(),
        "error-page.pdf": af.HTML_ERROR_PAGE, "huge.pdf": b"%PDF-1.4\n" + bytes(CAP + 100_000),
        "huge-stream.pdf": b"%PDF-1.4\n" + bytes(CAP + 100_000),
    }


GOOD = ["text.pdf", "quyet-dinh.docx", "ke-hoach.xlsx", "ke-hoach.xls", "bao-cao.odt", "tcvn3.pdf", "scan.pdf"]
BAD = ["corrupt.pdf", "encrypted.pdf", "truncated.pdf", "bomb.docx", "error-page.pdf", "huge.pdf",
       "huge-stream.pdf", "missing.pdf"]


class Site:
    """A portal with a post of good files, a post of bad ones and a second host that must never be asked."""

    def __init__(self, portal: NewsPortal, other: Portal, made: dict[str, bytes]) -> None:
        self.portal, self.other = portal, other
        self.files: dict[str, Served] = {}
        for name, data in made.items():
            self.serve(name, data, content_type="text/html; charset=utf-8" if name == "error-page.pdf" else PDF)
        self.files["huge-stream.pdf"].length = False
        self.files["text.pdf"].etag = False  # a server without validators: the hash tells the file is the same
        other.add("/files/elsewhere.pdf", made["text.pdf"], content_type=PDF)
        self.good = portal.add_post("Công bố quyết định và kế hoạch năm 2019",
                                    attachments=[(f"/files/{name}", f"Tải về {name}") for name in GOOD])
        self.bad = portal.add_post("Thông báo các tệp đính kèm bị lỗi", attachments=[
            *[(f"/files/{name}", f"Tải về {name}") for name in BAD],
            (other.url("/files/elsewhere.pdf"), "Văn bản ở trang khác"), ("/private/mat.pdf", "Tài liệu mật")])

    def serve(self, name: str, data: bytes, content_type: str = PDF) -> Served:
        served = Served(data, content_type)
        self.files[name] = served
        self.portal.add_handler(f"/files/{name}", served.respond)
        return served

    def url(self, name: str) -> str:
        return self.portal.url(f"/files/{name}")

    def entries(self, archive: Archive, post: Post) -> dict[str, dict[str, Any]]:
        article = archive.get(self.portal.url(post.path))
        assert article is not None, post.path
        return {entry["url"].rsplit("/", 1)[-1]: entry for entry in article.attachments}

    def file_hits(self, since: int = 0) -> list[Hit]:
        return [hit for hit in self.portal.hits[since:] if hit.path.startswith(("/files/", "/private/"))]


@pytest.fixture
def site(news_portal: Callable[..., NewsPortal], made: dict[str, bytes]) -> Iterator[Site]:
    portal = news_portal(n_posts=2, per_page=10, pinned=False, robots=ROBOTS)
    with Portal(host="127.0.0.2") as other:
        yield Site(portal, other, made)


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    with Archive(tmp_path / "archive.sqlite3") as archive:
        yield archive


@pytest.fixture
def store(tmp_path: Path) -> FileStore:
    return FileStore(tmp_path / "files")


@pytest.fixture
def extractions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The kinds the sandbox was asked to read, in order: a re-read shows up here."""
    calls: list[str] = []
    real = crawl_attachments.extract_safely

    def counted(data: bytes, kind: str | None = None, **options: Any) -> Extracted:
        calls.append(kind or "?")
        return real(data, kind, **options)

    monkeypatch.setattr(crawl_attachments, "extract_safely", counted)
    return calls


def crawl(site: Site, archive: Archive, store: FileStore | None, **kwargs: Any) -> CrawlStats:
    profile = SiteProfile(id="sct", name="Sở Công Thương", start_urls=(site.portal.url("/vi/news/"),),
                          allowed_hosts=("127.0.0.1",))
    kwargs.setdefault("attachment_max_bytes", CAP)
    return crawl_sites([profile], archive, user_agent=UA, min_delay=0, backoff=0.01, retries=0, files=store,
                       **kwargs)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_every_kind_is_read_kept_by_hash_and_vietnamese_comes_out_whole(
        site: Site, archive: Archive, store: FileStore, made: dict[str, bytes], extractions: list[str]) -> None:
    events: list[CrawlEvent] = []
    stats = crawl(site, archive, store, progress=events.append)
    assert stats.attachments_new == len(GOOD)
    assert sorted(extractions) == sorted({"text.pdf": "pdf", "quyet-dinh.docx": "docx", "ke-hoach.xlsx": "xlsx",
                                          "ke-hoach.xls": "xls", "bao-cao.odt": "odt", "tcvn3.pdf": "pdf",
                                          "scan.pdf": "pdf", "corrupt.pdf": "pdf", "encrypted.pdf": "pdf",
                                          "truncated.pdf": "pdf", "bomb.docx": "docx"}.values())
    entries = site.entries(archive, site.good)
    assert list(entries) == GOOD  # in the page's order
    expected = {"text.pdf": ("pdf", 2, "text-layer"), "quyet-dinh.docx": ("docx", 1, "document"),
                "ke-hoach.xlsx": ("xlsx", 2, "spreadsheet"), "ke-hoach.xls": ("xls", 2, "spreadsheet"),
                "bao-cao.odt": ("odt", 1, "document"), "tcvn3.pdf": ("pdf", 1, "text-layer"),
                "scan.pdf": ("pdf", 1, "text-layer")}
    for name, (kind, pages, method) in expected.items():
        entry = entries[name]
        assert (entry["type"], entry["pages"], entry["method"]) == (kind, pages, method), name
        assert (entry["size"], entry["hash"]) == (len(made[name]), sha(made[name])), name
        assert entry["title"] == f"Tải về {name}" and "error" not in entry, name
        assert store.read(entry["hash"]) == made[name], name
        assert len(entry["text"].split(PAGE_BREAK)) == pages and unicodedata.is_normalized("NFC", entry["text"])
    for name in ("text.pdf", "quyet-dinh.docx", "bao-cao.odt"):
        for line in af.LINES:
            assert line in entries[name]["text"], (name, line)
    assert entries["text.pdf"]["text"].split(PAGE_BREAK)[1].startswith(af.page_marker(2, 2))
    assert "Phòng Kế hoạch – Tài chính" in entries["quyet-dinh.docx"]["text"]
    for name in ("ke-hoach.xlsx", "ke-hoach.xls"):
        assert "Hội nghị tổng kết\t2018" in entries[name]["text"]
        assert "ĂÂÊÔƠƯĐ ăâêôơưđ" in entries[name]["text"].split(PAGE_BREAK)[1]
    tcvn3 = entries["tcvn3.pdf"]
    assert tcvn3["encoding"] == "tcvn3" and all(s in tcvn3["text"] for s in SENTENCES[:4])
    scan = entries["scan.pdf"]
    assert (scan["ocr_pending"], scan["text"]) == ([1], "")  # read later by OCR, not here
    assert all("encoding" not in entries[name] for name in GOOD if name != "tcvn3.pdf")
    assert {e.kind for e in events} == {"list", "article", "attachment"}


def test_bad_files_are_recorded_with_their_reason_and_the_crawl_goes_on(
        site: Site, archive: Archive, store: FileStore, made: dict[str, bytes]) -> None:
    stats = crawl(site, archive, store)
    assert (stats.new, stats.failed) == (4, 0)  # every article stored, the one with bad files too
    assert "tệp đính kèm bị lỗi" in archive.get(site.portal.url(site.bad.path)).title
    entries = site.entries(archive, site.bad)
    reasons = {name: entry.get("error", "") for name, entry in entries.items()}
    assert reasons["corrupt.pdf"].startswith("corrupt")
    assert reasons["encrypted.pdf"].startswith("encrypted")
    assert reasons["truncated.pdf"].startswith(("corrupt", "truncated")) and "cut short" in reasons["truncated.pdf"]
    assert reasons["bomb.docx"].startswith("zip bomb")
    assert reasons["error-page.pdf"] == "unknown type: an HTML page"
    assert reasons["huge.pdf"] == f"too large: {CAP + 100_009} bytes > {CAP}"
    assert reasons["huge-stream.pdf"] == f"too large: over {CAP} bytes"
    assert reasons["missing.pdf"] == "download failed: HTTP 404"
    assert reasons["elsewhere.pdf"] == "skipped: host 127.0.0.2 is not in allowed_hosts"
    assert reasons["mat.pdf"] == "skipped: disallowed by robots.txt"
    # a file of a known type is kept even when unreadable (a later tool may do better); anything else is not
    for name in ("corrupt.pdf", "encrypted.pdf", "truncated.pdf", "bomb.docx"):
        assert entries[name]["hash"] == sha(made[name]) and store.has(entries[name]["hash"]), name
        assert entries[name]["size"] == len(made[name]) and entries[name]["type"] in ("pdf", "docx"), name
    assert "hash" not in entries["error-page.pdf"] and not store.has(sha(made["error-page.pdf"]))
    assert entries["huge.pdf"]["size"] == CAP + 100_009 and "hash" not in entries["huge.pdf"]
    assert site.other.hits == []  # the other host was never asked
    assert "/private/mat.pdf" not in site.portal.paths()
    assert (stats.attachments_failed, stats.attachments_skipped) == (8, 2)
    assert {url.rsplit("/", 1)[-1] for url, _ in stats.attachment_failures} == set(BAD)


def test_recrawls_send_conditional_gets_and_read_only_changed_files(
        site: Site, archive: Archive, store: FileStore, made: dict[str, bytes], extractions: list[str]) -> None:
    crawl(site, archive, store)
    read_first = len(extractions)
    first = site.entries(archive, site.good)

    # A plain re-crawl does not revisit archived articles, so not their files either.
    before = len(site.portal.hits)
    again = crawl(site, archive, store)
    assert site.file_hits(before) == [] and len(extractions) == read_first
    assert (again.attachments_new, again.attachments_unchanged) == (0, 0)

    # The article is edited (the sitemap says so): fetched again, its files asked for conditionally.
    site.portal.edit_post(site.good.id, "Bổ sung: hồ sơ gửi kèm theo.")
    before = len(site.portal.hits)
    edited = crawl(site, archive, store)
    assert edited.updated == 1
    hits = {hit.path.rsplit("/", 1)[-1]: hit for hit in site.file_hits(before)}
    assert sorted(hits) == sorted(GOOD)
    assert all(hits[name].headers.get("if-none-match") for name in GOOD if name != "text.pdf")
    assert len(extractions) == read_first  # 304s, and text.pdf (no ETag) came back with the same hash
    assert (edited.attachments_unchanged, edited.attachments_new) == (len(GOOD), 0)
    assert site.entries(archive, site.good) == first

    # A file replaced at the same URL is read again; one the server now fails keeps its earlier copy.
    new_lines = ["Quyết định sửa đổi: điều chỉnh kế hoạch năm 2019 của Sở Công Thương."]
    site.files["text.pdf"].data = af.text_pdf(1, new_lines)
    site.files["bao-cao.odt"].status = 500
    site.portal.edit_post(site.good.id, "Đính chính lần hai.")
    changed = crawl(site, archive, store)
    assert extractions[read_first:] == ["pdf"]
    entries = site.entries(archive, site.good)
    assert entries["text.pdf"]["hash"] == sha(site.files["text.pdf"].data) != first["text.pdf"]["hash"]
    assert new_lines[0] in entries["text.pdf"]["text"] and entries["text.pdf"]["pages"] == 1
    assert entries["bao-cao.odt"] == first["bao-cao.odt"]
    assert (changed.attachments_new, changed.attachments_failed) == (1, 1)
    assert store.has(first["text.pdf"]["hash"]) and store.has(entries["text.pdf"]["hash"])


def test_refused_links_are_not_asked_for_again(site: Site, archive: Archive, store: FileStore) -> None:
    crawl(site, archive, store)
    site.portal.edit_post(site.bad.id, "Cập nhật danh sách tệp.")
    before = len(site.portal.hits)
    stats = crawl(site, archive, store)
    assert stats.updated == 1 and stats.attachments_skipped == 2
    assert site.other.hits == [] and "/private/mat.pdf" not in site.portal.paths()
    assert "/files/missing.pdf" in [hit.path for hit in site.file_hits(before)]  # a failed download is retried


def test_articles_archived_without_attachments_get_them_when_revisited(
        site: Site, archive: Archive, store: FileStore, made: dict[str, bytes]) -> None:
    crawl(site, archive, None)  # as before attachments were read: plain links
    assert all(set(e) == {"url", "title"} for e in site.entries(archive, site.good).values())
    site.good.modified = site.good.published.replace(year=2020)  # the sitemap moves; the page answers 304
    stats = crawl(site, archive, store)
    assert stats.not_modified == 1 and stats.attachments_new == len(GOOD)
    entries = site.entries(archive, site.good)
    assert all(entries[name]["hash"] == sha(made[name]) for name in GOOD)
    assert af.LINES[0] in entries["text.pdf"]["text"]


def test_a_cap_of_zero_downloads_nothing(site: Site, archive: Archive, store: FileStore) -> None:
    stats = crawl(site, archive, store, attachment_max_bytes=0)
    assert stats.new == 4 and site.file_hits() == []
    assert all(set(e) == {"url", "title"} for e in site.entries(archive, site.good).values())


def test_only_the_first_attachments_of_an_article_are_read(site: Site, archive: Archive, store: FileStore) -> None:
    many = [(f"/files/phu-luc-{n}.pdf", f"Phụ lục {n}") for n in range(crawl_attachments.MAX_PER_ARTICLE + 3)]
    post = site.portal.add_post("Danh mục phụ lục kèm theo", attachments=many)
    crawl(site, archive, store)
    entries = list(site.entries(archive, post).values())
    assert len(entries) == len(many)
    assert all(e["error"] == "download failed: HTTP 404" for e in entries[:crawl_attachments.MAX_PER_ARTICLE])
    assert all(set(e) == {"url", "title"} for e in entries[crawl_attachments.MAX_PER_ARTICLE:])


@pytest.mark.skipif(af.libreoffice() is None, reason=af.DOC_MISSING)
def test_word_97_files_are_read(site: Site, archive: Archive, store: FileStore) -> None:
    (doc,) = af.doc_files(af.docx_file())
    site.serve("cong-van.doc", doc, content_type="application/msword")
    post = site.portal.add_post("Công văn hướng dẫn", attachments=[("/files/cong-van.doc", "Công văn")])
    crawl(site, archive, store)
    entry = site.entries(archive, post)["cong-van.doc"]
    assert (entry["type"], entry["method"], entry["hash"]) == ("doc", "converter", sha(doc))
    assert "error" not in entry and af.LINES[1] in entry["text"]


# query → the files (and the page of each) the result must name; the words are in no post, only in files
FOUND_IN = {
    "Nguyễn Văn Bảy phó giám đốc": {"tcvn3.pdf": 1},  # converted from TCVN3 before indexing
    "Khen thưởng cá nhân": {"ke-hoach.xlsx": 1, "ke-hoach.xls": 1},
    "Dự toán kinh phí": {"quyet-dinh.docx": 1, "bao-cao.odt": 1},
    "ngã ba Đức Phổ": {"text.pdf": 1, "quyet-dinh.docx": 1, "bao-cao.odt": 1},
    "tổng kết công tác thi đua": {"scan.pdf": 1},  # after OCR
}


def _plain(text: str) -> str:
    """The query as typed without diacritics."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def test_each_file_s_words_find_the_post_naming_file_and_page(
        site: Site, archive: Archive, store: FileStore, tmp_path: Path) -> None:
    from attachments import ocr
    from crawl.ocr_queue import run_ocr
    from indexer.backend import EngineConfig, open_search, update_index
    from indexer.engine import SearchRequest

    crawl(site, archive, store)
    ocr_missing = ocr.available()
    if ocr_missing is None:
        run_ocr(archive, store, tmp_path / "ocr.sqlite3")
    config = EngineConfig(tmp_path)
    update_index(archive, config, workers=1)
    engine = open_search(config)
    try:
        for q, files in FOUND_IN.items():
            if "scan.pdf" in files and ocr_missing:
                continue
            for typed in (q, _plain(q)):
                hits = {h.id: h for h in engine.search(SearchRequest(q=typed, per_page=20)).results}
                good = hits.get(site.portal.url(site.good.path))
                assert good is not None, typed
                assert {m.url.rsplit("/", 1)[-1]: m.page for m in good.attachment_matches} == files, typed
    finally:
        engine.close()
    if ocr_missing:
        pytest.skip(f"the scan's words were not searched: {ocr_missing}")
