"""Attached files end to end over real HTTP: the demo portal's posts with real files → crawler (download,
sandboxed extraction) → OCR job (Tesseract) → Whoosh index → the web app and its JSON API.

Each demo file holds words that appear in no post, so a hit proves the file's text was read and indexed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from archive import Archive, FileStore
from attachments import ocr
from crawl.crawler import crawl_sites
from crawl.ocr_queue import run_ocr
from crawl.profiles import load_profiles
from indexer.backend import EngineConfig, update_index
from tracuu.demosite import PROFILE_PATH, DemoSite
from webapp import create_app

# file → (a query typed with diacritics, the page or sheet it is on); each file's words are in no post
FILES = {"QD-1568-UBND.pdf": ("nón lá", 2), "Ke-hoach-2020.docx": ("nghề rèn", 1),
         "Ket-qua-binh-chon-2019.xlsx": ("mật ong hoa", 1), "Bao-cao-tong-ket-2020.doc": ("nước mắm", 1),
         "Giay-moi-hop-scan.pdf": ("di dời", 1)}
NEEDS_CONVERTER = {"Bao-cao-tong-ket-2020.doc"}
NEEDS_OCR = {"Giay-moi-hop-scan.pdf"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    data = tmp_path_factory.mktemp("attachments-e2e")
    config = EngineConfig(data)
    files = FileStore(config.files_path)
    with DemoSite() as site:
        base_url = site.start()
        profiles = load_profiles(PROFILE_PATH, substitutions={"base_url": base_url})
        with Archive(config.archive_path) as archive:
            first = crawl_sites(profiles, archive, user_agent="tracuu-test", min_delay=0, files=files,
                                attachment_max_bytes=20_000_000)
            ocr_missing = ocr.available()
            if ocr_missing is None:
                run_ocr(archive, files, data / "ocr.sqlite3")
            update_index(archive, config, workers=1)
            entries = {e["url"].rsplit("/", 1)[-1]: e for a in archive.iter_articles() for e in a.attachments}
            # a second crawl: every list page and article is known; nothing is downloaded or read again
            uploads_before = len([r for r in site.requests if "/uploads/" in r.path])
            second = crawl_sites(profiles, archive, user_agent="tracuu-test", min_delay=0, files=files,
                                 attachment_max_bytes=20_000_000)
            uploads_after = len([r for r in site.requests if "/uploads/" in r.path])
    app = create_app(config)
    yield {"client": app.test_client(), "entries": entries, "first": first, "second": second, "files": files,
           "ocr_missing": ocr_missing, "uploads": (uploads_before, uploads_after)}


def _skip_without_reader(name: str, demo: dict[str, Any]) -> None:
    entry = demo["entries"][name]
    if name in NEEDS_CONVERTER and (entry.get("error") or "").startswith("no converter"):
        pytest.skip("no DOC converter (antiword, catdoc or LibreOffice) on this machine")
    if name in NEEDS_OCR and demo["ocr_missing"]:
        pytest.skip(f"OCR unavailable: {demo['ocr_missing']}")


def test_every_demo_file_was_downloaded_kept_and_read(demo: dict[str, Any]) -> None:
    entries = demo["entries"]
    assert set(FILES) <= set(entries)
    for name in FILES:
        entry = entries[name]
        assert entry["hash"] and demo["files"].has(entry["hash"]), name
        assert entry["size"] == len(demo["files"].read(entry["hash"])), name
    assert entries["QD-1568-UBND.pdf"]["type"] == "pdf" and entries["QD-1568-UBND.pdf"]["pages"] == 3
    assert entries["Bao-cao-tong-ket-2020.doc"]["type"] == "doc"  # served as application/octet-stream: sniffed
    assert demo["first"].attachments_failed == 0 or all(
        name not in url for url, _ in demo["first"].attachment_failures for name in FILES)


@pytest.mark.parametrize("name", list(FILES))
@pytest.mark.parametrize("folded", [False, True])
def test_a_file_s_words_find_its_post_naming_file_and_page(demo: dict[str, Any], name: str, folded: bool) -> None:
    _skip_without_reader(name, demo)
    words, page = FILES[name]
    q = words if not folded else {"nón lá": "non la", "nghề rèn": "nghe ren", "mật ong hoa": "mat ong hoa",
                                  "nước mắm": "nuoc mam", "di dời": "di doi"}[words]
    hits = demo["client"].get("/api/search", query_string={"q": q, "per_page": 5}).get_json()["results"]
    # the words may also stand apart in a post's body, which ranks above a file (ATTACHMENT_BOOST)
    named = [m for hit in hits for m in hit["attachment_matches"] if m["url"].endswith("/" + name)]
    assert named, (q, [h["title"] for h in hits])
    assert named[0]["page"] == page
    assert "<mark>" in named[0]["snippet"]


def test_the_results_page_says_where_it_was_found(demo: dict[str, Any]) -> None:
    html = demo["client"].get("/?q=non+la").get_data(as_text=True)
    text = re.sub(r"<[^>]+>", "", html)
    assert "Tìm thấy trong tệp đính kèm: QD-1568-UBND.pdf, trang 2" in text


def test_filter_by_file_type(demo: dict[str, Any]) -> None:
    client = demo["client"]
    only_xlsx = client.get("/api/search", query_string={"filetype": "xlsx", "per_page": 100}).get_json()
    with_files = client.get("/api/search", query_string={"filetype": "any", "per_page": 100}).get_json()
    everything = client.get("/api/search", query_string={"per_page": 100}).get_json()
    assert 1 <= only_xlsx["total"] < with_files["total"] < everything["total"]
    page = client.get("/?q=&filetype=any").get_data(as_text=True)
    assert "Tệp đính kèm: có tệp đính kèm" in re.sub(r"<[^>]+>", "", page)


def test_the_article_page_links_the_archived_copy(demo: dict[str, Any]) -> None:
    client = demo["client"]
    hits = client.get("/api/search", query_string={"q": "nón lá"}).get_json()["results"]
    hit = next(h for h in hits if h["attachment_matches"])
    page = client.get("/article", query_string={"id": hit["id"], "q": "nón lá"}).get_data(as_text=True)
    copy = re.search(r'href="(/tep/[0-9a-f]{64}[^"]*)"', page)
    assert copy and "Trang 2:" in re.sub(r"<[^>]+>", "", page)
    download = client.get(copy.group(1).replace("&amp;", "&"))
    entry = demo["entries"]["QD-1568-UBND.pdf"]
    assert download.status_code == 200 and download.data == demo["files"].read(entry["hash"])
    assert download.headers["Content-Type"].startswith("application/pdf")


def test_a_second_crawl_downloads_no_file_again(demo: dict[str, Any]) -> None:
    before, after = demo["uploads"]
    assert before >= len(FILES) and after == before
    assert demo["second"].attachments_new == 0
