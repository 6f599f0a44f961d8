"""The OCR job (crawl/ocr_queue.py, `tracuu ocr`, OCR inside `tracuu index`) on real scanned PDFs read by Tesseract.

Pages are drawn by tests/scans.py at 100 dpi with two short paragraphs (~0.3 s of OCR each); a wrapper counts the
calls to the real `ocr_page`, so "read once", "served from the cache" and "resumed" are checked without timing.
"""

from __future__ import annotations

import json
import logging
import types
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from archive import Archive, Article, FileStore, attachment_pages
from attachments import ocr
from crawl import ocr_queue
from crawl.ocr_queue import MISSING_FILE, OcrUnavailable, run_ocr
from tracuu.cli import cli

OCR_MISSING = ocr.available()
needs_ocr = pytest.mark.skipif(OCR_MISSING is not None, reason=f"OCR tools missing: {OCR_MISSING}")

# Words found only in the scans, never in the posts' own text.
PAGE_ONE = ["Đoàn kiểm tra an toàn đập thủy lợi hồ Phú Ninh trước mùa mưa bão."]
PAGE_TWO = ["Quyết định số 25/QĐ-UBND về việc hỗ trợ hộ nghèo huyện Quỳnh Lưu."]


def fold(text: str) -> str:
    """Lower case without tone marks or đ, spaces collapsed: OCR may slip on a mark, the words must be there."""
    stripped = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return " ".join(stripped.replace("đ", "d").replace("Đ", "D").lower().split())


@pytest.fixture(scope="module")
def two_page_scan(scans: types.ModuleType) -> bytes:
    """An image-only PDF of two pages: PAGE_ONE on page 1, PAGE_TWO on page 2."""
    return scans.scanned_pdf(scans.render_page(PAGE_ONE, dpi=100, header=False),
                             scans.render_page(PAGE_TWO, dpi=100, header=False))


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The page numbers the real ocr_page was asked for, in order."""
    asked: list[int] = []
    real = ocr.ocr_page

    def counting(pdf: Any, page: int, **kwargs: Any) -> ocr.PageText:
        asked.append(page)
        return real(pdf, page, **kwargs)

    monkeypatch.setattr(ocr, "ocr_page", counting)
    return asked


def entry(data: bytes, *, text: str, pending: list[int], method: str = "text-layer") -> dict[str, Any]:
    from archive import content_hash

    return {"url": "http://sct.test/uploads/QD-25.pdf", "title": "QD-25.pdf", "type": "pdf", "size": len(data),
            "hash": content_hash(data), "text": text, "method": method, "pages": 2, "ocr_pending": pending}


def add_post(data_dir: Path, article_id: str, att: dict[str, Any], **fetch: str) -> None:
    article = Article(id=article_id, url=f"http://sct.test/{article_id}", title="Thông báo kết quả kiểm tra",
                      body="Sở Công Thương thông báo kết quả, xem tệp đính kèm.", published="2021-03-05",
                      site="sct", attachments=[att])
    with Archive(data_dir / "archive.sqlite3") as archive:
        archive.upsert(article, **fetch)


def job(data_dir: Path, **kwargs: Any) -> ocr_queue.OcrStats:
    with Archive(data_dir / "archive.sqlite3") as archive:
        return run_ocr(archive, FileStore(data_dir / "files"), data_dir / "ocr.sqlite3", **kwargs)


def stored(data_dir: Path, article_id: str) -> tuple[dict[str, Any], str]:
    """The article's first attachment entry and its content hash, as the archive has them."""
    with Archive(data_dir / "archive.sqlite3") as archive:
        article = archive.get(article_id)
        assert article is not None
        return article.attachments[0], article.content_hash


@needs_ocr
def test_a_pending_page_is_read_into_its_entry_once(data_dir: Path, two_page_scan: bytes, calls: list[int]) -> None:
    FileStore(data_dir / "files").put(two_page_scan)
    add_post(data_dir, "a1", entry(two_page_scan, text="Trang một có lớp chữ.\f", pending=[2]),
             etag='"v1"', last_modified="Fri, 05 Mar 2021 08:00:00 GMT")
    _, hash_before = stored(data_dir, "a1")

    stats = job(data_dir)
    assert calls == [2]
    assert (stats.pages_read, stats.pages_left, stats.pages_failed, stats.stopped) == (1, 0, 0, None)
    att, hash_after = stored(data_dir, "a1")
    first, second = attachment_pages(att)
    assert first == "Trang một có lớp chữ."
    assert fold("hỗ trợ hộ nghèo huyện Quỳnh Lưu") in fold(second)
    assert ocr.cer(PAGE_TWO[0], " ".join(second.split()[-13:])) <= 0.05  # the last line: the paragraph
    assert "ocr_pending" not in att and att["ocr_pages"] == [2] and att["method"] == "text-layer+ocr"
    assert hash_after != hash_before  # so `tracuu index` indexes it again
    with Archive(data_dir / "archive.sqlite3") as archive:
        info = archive.fetch_info("http://sct.test/a1")
    assert info is not None and (info.etag, info.last_modified) == ('"v1"', "Fri, 05 Mar 2021 08:00:00 GMT")

    again = job(data_dir)
    assert calls == [2] and again.pages_read == again.pages_cached == again.pages_left == 0
    assert stored(data_dir, "a1")[1] == hash_after


@needs_ocr
def test_the_same_file_in_another_post_or_a_rebuilt_archive_comes_from_the_cache(
        data_dir: Path, two_page_scan: bytes, calls: list[int]) -> None:
    FileStore(data_dir / "files").put(two_page_scan)
    add_post(data_dir, "a1", entry(two_page_scan, text="\f", pending=[1, 2]))
    job(data_dir)
    assert calls == [1, 2]
    read_text = stored(data_dir, "a1")[0]["text"]

    add_post(data_dir, "a2", entry(two_page_scan, text="\f", pending=[1, 2]))
    (data_dir / "archive.sqlite3").rename(data_dir / "old.sqlite3")  # a fresh archive: re-imported
    add_post(data_dir, "a1", entry(two_page_scan, text="\f", pending=[1, 2]))
    add_post(data_dir, "a2", entry(two_page_scan, text="\f", pending=[1, 2]))
    stats = job(data_dir)
    assert calls == [1, 2]  # no tesseract run
    assert (stats.pages_read, stats.pages_cached, stats.pages_left) == (0, 4, 0)
    for article_id in ("a1", "a2"):
        att, _ = stored(data_dir, article_id)
        assert att["text"] == read_text and att["method"] == "ocr" and att["ocr_pages"] == [1, 2]


@needs_ocr
def test_budget_limit_and_a_crash_lose_nothing_and_the_next_run_finishes(
        data_dir: Path, two_page_scan: bytes, calls: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    FileStore(data_dir / "files").put(two_page_scan)
    add_post(data_dir, "a1", entry(two_page_scan, text="\f", pending=[1, 2]))
    _, untouched = stored(data_dir, "a1")

    stats = job(data_dir, seconds=0)
    assert calls == [] and stats.stopped == "time" and stats.pages_left == 2
    assert stored(data_dir, "a1")[1] == untouched

    def killed(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt  # the job dies after reading page 1, before the article is saved

    with monkeypatch.context() as patch:
        patch.setattr(Archive, "replace_attachments", killed)
        with pytest.raises(KeyboardInterrupt):
            job(data_dir, limit=1)
    assert calls == [1] and stored(data_dir, "a1")[1] == untouched

    stats = job(data_dir, limit=0)  # page 1 from the cache costs nothing; page 2 waits for a reading
    assert calls == [1] and stats.stopped == "limit"
    assert (stats.pages_read, stats.pages_cached, stats.pages_left) == (0, 1, 1)
    att, _ = stored(data_dir, "a1")
    assert att["ocr_pending"] == [2] and fold("hồ Phú Ninh") in fold(attachment_pages(att)[0])

    stats = job(data_dir)
    assert calls == [1, 2] and (stats.pages_read, stats.pages_left, stats.stopped) == (1, 0, None)
    att, _ = stored(data_dir, "a1")
    assert "ocr_pending" not in att and att["method"] == "ocr"
    assert fold("huyện Quỳnh Lưu") in fold(attachment_pages(att)[1])


@needs_ocr
def test_a_file_missing_from_the_store_is_recorded_and_read_once_it_is_back(
        data_dir: Path, two_page_scan: bytes, calls: list[int]) -> None:
    add_post(data_dir, "a1", entry(two_page_scan, text="Trang một.\f", pending=[2]))
    stats = job(data_dir)
    att, missing_hash = stored(data_dir, "a1")
    assert calls == [] and att["ocr_error"] == MISSING_FILE and att["ocr_pending"] == [2]
    assert (stats.pages_missing, stats.pages_left) == (1, 0)
    assert job(data_dir).articles_saved == 0 and stored(data_dir, "a1")[1] == missing_hash  # recorded once

    FileStore(data_dir / "files").put(two_page_scan)  # a crawl or a restored backup brings it back
    stats = job(data_dir)
    att, _ = stored(data_dir, "a1")
    assert calls == [2] and stats.pages_read == 1 and "ocr_error" not in att and "ocr_pending" not in att


@needs_ocr
def test_failed_pages_are_recorded_and_not_tried_forever(data_dir: Path, two_page_scan: bytes,
                                                         calls: list[int]) -> None:
    FileStore(data_dir / "files").put(two_page_scan)
    add_post(data_dir, "a1", entry(two_page_scan, text="\f", pending=[1]))
    stats = job(data_dir, timeout=0.001)
    att, _ = stored(data_dir, "a1")
    assert calls == [1] and stats.pages_failed == 1 and stats.pages_left == 1
    assert att["ocr_pending"] == [1] and "ocr_failed" not in att  # a timeout is tried again on a later run

    job(data_dir, timeout=0.001)  # the second timeout is the last
    att, _ = stored(data_dir, "a1")
    assert calls == [1, 1] and "ocr_pending" not in att
    assert att["ocr_failed"] == [{"page": 1, "error": att["ocr_failed"][0]["error"]}]
    assert att["ocr_failed"][0]["error"].startswith("timeout")

    add_post(data_dir, "a2", entry(two_page_scan, text="\f", pending=[3]))  # the PDF has no page 3
    stats = job(data_dir)
    att, _ = stored(data_dir, "a2")
    assert calls == [1, 1, 3] and stats.failures[0][1:] == (3, att["ocr_failed"][0]["error"])
    assert "ocr_pending" not in att and att["ocr_failed"][0]["error"].startswith("page:")  # reading again won't help
    assert job(data_dir).pages_failed == 0 and calls == [1, 1, 3]


def test_without_tesseract_nothing_changes_and_the_message_names_the_packages(
        data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr, "available", lambda: "tesseract not found on PATH: install Debian's "
                                                  f"{ocr.DEBIAN_PACKAGES}")
    data = b"%PDF-1.4 a scan"
    add_post(data_dir, "a1", entry(data, text="\f", pending=[1, 2]))
    _, before = stored(data_dir, "a1")
    with pytest.raises(OcrUnavailable, match="tesseract-ocr-vie"):
        job(data_dir)
    assert stored(data_dir, "a1")[1] == before

    result = CliRunner().invoke(cli, ["--data-dir", str(data_dir), "ocr"])
    assert result.exit_code == 1 and "tesseract-ocr-vie" in result.stderr and "Traceback" not in result.stderr
    result = CliRunner().invoke(cli, ["--data-dir", str(data_dir), "-q", "index"])
    assert result.exit_code == 0 and "1 added" in result.stdout
    assert "2 scanned pages wait for OCR" in result.stderr and "tesseract-ocr-vie" in result.stderr


def test_ocr_has_help_with_an_example_and_says_when_nothing_waits(data_dir: Path) -> None:
    result = CliRunner().invoke(cli, ["ocr", "--help"])
    assert result.exit_code == 0 and "Example:" in result.stdout
    result = CliRunner().invoke(cli, ["--data-dir", str(data_dir), "ocr"])
    assert result.exit_code == 0 and "no scanned pages wait" in result.stdout


@needs_ocr
def test_tracuu_ocr_shows_progress_and_a_summary(data_dir: Path, two_page_scan: bytes,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    FileStore(data_dir / "files").put(two_page_scan)
    add_post(data_dir, "a1", entry(two_page_scan, text="\f", pending=[1, 2]))
    with caplog.at_level(logging.INFO, logger="tracuu"):
        result = CliRunner().invoke(cli, ["--data-dir", str(data_dir), "ocr", "--limit", "1"])
    assert result.exit_code == 0, result.output
    assert "Đọc bản quét (OCR): 1/2" in caplog.text  # a log line when stderr is no terminal (cron)
    assert "OCR: 1 pages read, 0 from cache, 0 failed; 1 left (page limit reached);" in result.stdout
    assert "pages/s" in result.stdout

    result = CliRunner().invoke(cli, ["--data-dir", str(data_dir), "-q", "ocr", "--seconds", "60"])
    assert result.exit_code == 0 and "1 pages read, 0 from cache, 0 failed; 0 left;" in result.stdout


@needs_ocr
def test_tracuu_index_reads_pending_scans_first_and_their_words_are_searchable(
        data_dir: Path, two_page_scan: bytes) -> None:
    FileStore(data_dir / "files").put(two_page_scan)
    add_post(data_dir, "a1", entry(two_page_scan, text="Trang một có lớp chữ.\f", pending=[2]))

    def run(*args: str) -> Any:
        return CliRunner().invoke(cli, ["--data-dir", str(data_dir), "-q", *args])

    assert run("search", "quynh luu", "--json").exit_code == 1  # no index yet
    result = run("index")
    assert result.exit_code == 0, result.output
    assert "OCR: 1 pages read" in result.stdout and "1 added" in result.stdout
    found = json.loads(run("search", "ho ngheo quynh luu", "--json").stdout)
    assert [hit["id"] for hit in found["results"]] == ["a1"]
    result = run("index")
    assert "OCR:" not in result.stdout and "1 unchanged" in result.stdout


def test_a_second_ocr_job_is_refused_and_index_goes_on_without_it(data_dir: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr, "available", lambda: None)
    add_post(data_dir, "a1", entry(b"%PDF-1.4 a scan", text="\f", pending=[1]))
    with ocr_queue.job_lock(data_dir / "ocr.lock"):  # a `tracuu ocr` already running
        result = CliRunner().invoke(cli, ["--data-dir", str(data_dir), "-q", "ocr"])
        assert result.exit_code == 1 and "another OCR job is running" in result.stderr
        result = CliRunner().invoke(cli, ["--data-dir", str(data_dir), "-q", "index"])
        assert result.exit_code == 0 and "OCR skipped: another OCR job" in result.stderr
        assert "1 added" in result.stdout
