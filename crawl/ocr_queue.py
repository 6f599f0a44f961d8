"""The OCR job: scanned attachment pages the crawl left in "ocr_pending", read by Tesseract one page at a time.

A crawl never waits for OCR (1-2 s a page); it leaves a scanned page empty with its number in the entry's
"ocr_pending". This job reads those pages later, at low priority (`attachments.ocr` renices its tools), within a
time budget and a page limit, and writes each page into its entry as soon as it is read:

  * every reading is kept in `data/ocr.sqlite3` by (file hash, page, OCR version), committed before the article
    is touched, so a job killed mid-run loses at most the page it was reading, the same file in two posts is read
    once, and a re-import or a rebuilt archive costs no OCR;
  * the article is saved after each page with `Archive.replace_attachments`, which keeps the crawler's ETag and
    Last-Modified and refuses to overwrite an article a crawl changed meanwhile (the page comes from the cache
    when the job reads it again); its content hash changes, so `tracuu index` re-indexes it;
  * a page that fails ("timeout", "failed") is tried again on a later run, at most MAX_TRIES times in all; one
    that cannot be read ("page", "input") is not. Either way it ends in the entry's "ocr_failed" with the reason;
  * an entry whose file is not in the `FileStore` gets "ocr_error" and keeps its pages pending, for when a crawl
    or a restored backup brings the file back.

Entry keys written: "text" (the page at its place), "ocr_pending" (dropped when empty), "ocr_pages" (the pages
whose text came from OCR), "ocr_failed" ([{"page", "error"}]), "ocr_error", and "method": "ocr" when every page
was a scan, else the extractor's method with "+ocr" (e.g. "text-layer+ocr").
"""

from __future__ import annotations

import fcntl
import json
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archive import OCR_PENDING, PAGE_BREAK, Archive, FileStore, attachment_pages, now_iso
from attachments import ocr

PAGE_TIMEOUT = 120.0  # per page, rendering included: a clean A4 page takes 1-2 s, a dense 600 dpi one ~20 s
MAX_TRIES = 2  # a timeout on a busy machine deserves a second chance, a page that always fails does not
FINAL_KINDS = ("page", "input")  # errors that reading again cannot fix
MISSING_FILE = "file missing from the archive's store: re-crawl the post or restore data/files, then run tracuu ocr"

Progress = Callable[[int, int], None]


class OcrUnavailable(Exception):
    """Tesseract, its Vietnamese model or poppler is missing; the message says which Debian packages to install."""


class OcrBusy(Exception):
    """Another OCR job holds this data dir: two would read the same pages twice."""


@dataclass
class OcrStats:
    pages_read: int = 0  # by tesseract, this run
    pages_cached: int = 0  # served from data/ocr.sqlite3
    pages_failed: int = 0  # failures this run (some to be tried again)
    pages_left: int = 0  # still pending and readable after this run
    pages_missing: int = 0  # pending on files the store does not have
    articles_saved: int = 0
    seconds: float = 0.0
    stopped: str | None = None  # "time" or "limit" when the job ended before the work did
    failures: list[tuple[str, int, str]] = field(default_factory=list)  # (attachment url, page, error)

    @property
    def pages_per_second(self) -> float:
        return self.pages_read / self.seconds if self.seconds > 0 else 0.0


@dataclass(frozen=True)
class Reading:
    """One page as the cache keeps it: its text, or its error and how many times it failed."""

    text: str
    error: str | None
    tries: int

    @property
    def final(self) -> bool:
        """Whether the page leaves the queue: read, or failed in a way (or as often as) reading again won't fix."""
        if self.error is None:
            return True
        return self.error.split(":", 1)[0] in FINAL_KINDS or self.tries >= MAX_TRIES


def ocr_version() -> str:
    """What a cached reading depends on: the tesseract release and how it is run (page segmentation, rotation).

    A new tesseract reads better, so its readings are not mixed with the old ones; the old stay in the cache.
    """
    try:
        out = subprocess.run(["tesseract", "--version"], capture_output=True, text=True, timeout=30)
        release = (out.stdout + out.stderr).split("\n", 1)[0].strip() or "tesseract ?"
    except (OSError, subprocess.TimeoutExpired):
        release = "tesseract ?"
    return f"{release}; vie; psm {ocr.PSM}; orientation auto"


class OcrCache:
    """Readings by (file hash, page, OCR version) in their own SQLite file, committed one page at a time."""

    _SCHEMA = """
    CREATE TABLE IF NOT EXISTS pages (
        file_hash  TEXT NOT NULL,
        page       INTEGER NOT NULL,
        version    TEXT NOT NULL,
        text       TEXT NOT NULL,
        error      TEXT,
        tries      INTEGER NOT NULL DEFAULT 0,  -- failures so far; 0 once read
        confidence REAL,
        seconds    REAL,
        read_at    TEXT NOT NULL,
        PRIMARY KEY (file_hash, page, version)
    );
    """

    def __init__(self, path: Path, version: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.version = version
        self.conn = sqlite3.connect(path, timeout=30)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.executescript(self._SCHEMA)

    def close(self) -> None:
        self.conn.close()

    def get(self, file_hash: str, page: int) -> Reading | None:
        row = self.conn.execute("SELECT text, error, tries FROM pages WHERE file_hash=? AND page=? AND version=?",
                                (file_hash, page, self.version)).fetchone()
        return Reading(*row) if row else None

    def put(self, file_hash: str, page: int, result: ocr.PageText) -> Reading:
        """Keep one tesseract result (a failure adds to the page's tries) and commit it at once."""
        old = self.get(file_hash, page)
        tries = 0 if result.error is None else (old.tries if old else 0) + 1
        self.conn.execute(
            "INSERT OR REPLACE INTO pages (file_hash, page, version, text, error, tries, confidence, seconds,"
            " read_at) VALUES (?,?,?,?,?,?,?,?,?)",
            (file_hash, page, self.version, result.text, result.error, tries, result.confidence,
             round(result.seconds, 3), now_iso()),
        )
        self.conn.commit()
        return Reading(result.text, result.error, tries)


def pending_work(archive: Archive) -> list[tuple[str, int]]:
    """(article id, pending pages) of every article with scanned pages to read, newest first.

    The LIKE finds candidates without parsing every article's attachments; the JSON then says for sure.
    """
    rows = archive.conn.execute(
        f"SELECT id, attachments FROM articles WHERE {OCR_PENDING} ORDER BY published DESC, id").fetchall()
    work = []
    for article_id, attachments in rows:
        pages = sum(len(entry.get("ocr_pending") or []) for entry in json.loads(attachments))
        if pages:
            work.append((article_id, pages))
    return work


def pending_pages(archive: Archive) -> int:
    """How many scanned pages wait for OCR (files missing from the store included)."""
    return sum(pages for _, pages in pending_work(archive))


@contextmanager
def job_lock(path: Path) -> Iterator[None]:
    """One OCR job per data dir at a time (an flock, released by the kernel if the job dies)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise OcrBusy(f"another OCR job is running on this data dir ({path} is locked)") from exc
        yield


class _Budget:
    """When to stop reading: after `seconds` (checked before each page, so one page may run over) or `limit`."""

    def __init__(self, seconds: float | None, limit: int | None) -> None:
        self.deadline = None if seconds is None else time.monotonic() + seconds
        self.limit = limit
        self.used = 0

    def stop_reason(self) -> str | None:
        if self.limit is not None and self.used >= self.limit:
            return "limit"
        if self.deadline is not None and time.monotonic() >= self.deadline:
            return "time"
        return None


class _Job:
    """One run over the pending articles; the state it shares between them."""

    def __init__(self, archive: Archive, files: FileStore, cache: OcrCache, budget: _Budget, stats: OcrStats,
                 progress: Progress | None, total: int, timeout: float) -> None:
        self.archive, self.files, self.cache, self.budget, self.stats = archive, files, cache, budget, stats
        self.progress, self.total, self.timeout = progress, total, timeout
        self.done = 0
        self.tried: set[tuple[str, int]] = set()  # pages that failed this run: not read twice in one run

    def article(self, article_id: str) -> None:
        """Read the pending pages of one article, saving it after each; read it again if a crawl changed it."""
        for _ in range(3):
            if self._article_once(article_id):
                return

    def _article_once(self, article_id: str) -> bool:
        """False when the article changed under the job (its pages read so far are in the cache)."""
        article = self.archive.get(article_id)
        if article is None:
            return True
        expected = article.content_hash
        for entry in article.attachments:
            for page in list(entry.get("ocr_pending") or []):
                if self.stats.stopped:
                    return True
                if not self._page(entry, page):
                    continue
                saved = self.archive.replace_attachments(article_id, article.attachments, expected_hash=expected)
                if saved is None:
                    return False
                expected = saved
                self.stats.articles_saved += 1
        return True

    def _page(self, entry: dict[str, Any], page: int) -> bool:
        """Read one page into its entry (cache first); False when the entry did not change."""
        digest = entry.get("hash") or ""
        path = self.files.path(digest)
        if path is None or not path.is_file():
            self._tick()
            return self._file_missing(entry)
        reading = self.cache.get(digest, page)
        if (digest, page) in self.tried:  # failed this run (in another post too): a later run tries again
            self._tick()
            return False
        if reading is None or not reading.final:
            if (reason := self.budget.stop_reason()) is not None:
                self.stats.stopped = reason
                return False
            reading = self._read(path, digest, page, entry)
        else:
            self.stats.pages_cached += 1
        self._tick()
        changed = entry.pop("ocr_error", None) is not None
        return apply_reading(entry, page, reading) or changed

    def _read(self, path: Path, digest: str, page: int, entry: dict[str, Any]) -> Reading:
        self.budget.used += 1
        result = ocr.ocr_page(path, page, timeout=self.timeout)
        if result.error is not None and result.error.startswith("missing:"):
            raise OcrUnavailable(result.error)  # uninstalled mid-run: nothing is recorded against the page
        reading = self.cache.put(digest, page, result)
        if reading.error is None:
            self.stats.pages_read += 1
        else:
            self.tried.add((digest, page))
            self.stats.pages_failed += 1
            self.stats.failures.append((str(entry.get("url", "")), page, reading.error))
        return reading

    def _file_missing(self, entry: dict[str, Any]) -> bool:
        if entry.get("ocr_error") == MISSING_FILE:
            return False
        entry["ocr_error"] = MISSING_FILE
        return True

    def _tick(self) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(min(self.done, self.total), self.total)


def apply_reading(entry: dict[str, Any], page: int, reading: Reading) -> bool:
    """Write one page's reading into its entry; False when nothing changed (a failure to be tried again)."""
    if not reading.final:
        return False
    pages = attachment_pages(entry)
    pages += [""] * (page - len(pages))  # a pending page past the text read so far
    pending = [p for p in entry.get("ocr_pending") or [] if p != page]
    if reading.error is None:
        pages[page - 1] = reading.text.replace(PAGE_BREAK, "\n")
        entry["ocr_pages"] = sorted({*entry.get("ocr_pages", []), page})
    else:
        failed = [f for f in entry.get("ocr_failed", []) if f.get("page") != page]
        entry["ocr_failed"] = [*failed, {"page": page, "error": reading.error}]
    entry["text"] = PAGE_BREAK.join(pages)
    if pending:
        entry["ocr_pending"] = pending
    else:
        entry.pop("ocr_pending", None)
    entry["method"] = _method(entry, len(pages))
    return True


def _method(entry: dict[str, Any], page_count: int) -> str:
    """"ocr" when every page was a scan, else how the other pages were read, with "+ocr"."""
    base = str(entry.get("method") or "").removesuffix("+ocr")
    if base == "ocr":
        return base
    scans = {*entry.get("ocr_pages", []), *entry.get("ocr_pending", []),
             *(f.get("page") for f in entry.get("ocr_failed", []))}
    if scans >= set(range(1, page_count + 1)):
        return "ocr"
    return f"{base}+ocr" if base else "ocr"


def run_ocr(archive: Archive, files: FileStore, cache_path: Path, *, seconds: float | None = None,
            limit: int | None = None, progress: Progress | None = None, timeout: float = PAGE_TIMEOUT) -> OcrStats:
    """Read pending scanned pages until none is left, `seconds` have passed or `limit` pages were read.

    Pages already in the cache cost nothing and do not count against either. Raises OcrUnavailable (nothing
    changed) when the tools are missing, OcrBusy when another job runs on the same data dir.
    """
    started = time.monotonic()
    problem = ocr.available()
    if problem is not None:
        raise OcrUnavailable(f"OCR of scanned pages needs Tesseract with Vietnamese: {problem}")
    stats = OcrStats()
    with job_lock(cache_path.with_suffix(".lock")):
        work = pending_work(archive)
        cache = OcrCache(cache_path, ocr_version())
        try:
            job = _Job(archive, files, cache, _Budget(seconds, limit), stats, progress,
                       sum(pages for _, pages in work), timeout)
            for article_id, _pages in work:
                job.article(article_id)
                if stats.stopped:
                    break
        finally:
            cache.close()
        _count_left(archive, files, stats)
    stats.seconds = time.monotonic() - started
    return stats


def _count_left(archive: Archive, files: FileStore, stats: OcrStats) -> None:
    """Pages still pending after the run, apart from those whose file the store does not have."""
    for article in archive.get_many(article_id for article_id, _ in pending_work(archive)).values():
        for entry in article.attachments:
            pages = len(entry.get("ocr_pending") or [])
            if entry.get("ocr_error") == MISSING_FILE and not files.has(entry.get("hash") or ""):
                stats.pages_missing += pages
            else:
                stats.pages_left += pages
