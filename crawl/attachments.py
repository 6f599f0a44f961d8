"""An article's attached files: fetched politely, kept by content, read in a sandbox, merged into its entries.

`AttachmentReader.read` turns an article's links ([{url, title}] from `crawl.extract`) into archive attachment
entries (`archive.ATTACHMENT_KEYS`). For each link, at most `MAX_PER_ARTICLE` per article:

  1. through the crawler's own `Fetcher` (allowed hosts, robots.txt, per-host delay, retries), any Content-Type,
     with the attachment size cap; conditional (ETag/Last-Modified kept in crawl_pages) when the archived entry
     of the same URL has a file;
  2. a 304, or bytes with the hash of the archived entry: that entry is kept as it is, nothing is read again;
  3. otherwise the type is sniffed from the bytes (never the name or the header), the file is kept in the
     `FileStore` under its SHA-256, its text is read by `attachments.sandbox.extract_safely` (a child process
     with time and memory limits) and legacy-font pages (TCVN3, VNI) are converted to Unicode.

A bad file never stops the crawl or the article: it becomes an entry whose "error" says why (corrupt, encrypted,
truncated, too large, zip bomb, unknown type, ...). A failed download keeps what an earlier crawl read. A link
refused by a rule (another host, robots.txt) is recorded as "skipped: <reason>" and not asked for again.
Scanned PDF pages are left empty with their numbers in "ocr_pending": OCR is a separate, slower job.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from archive import PAGE_BREAK, FileStore, content_hash
from attachments import legacy
from attachments.extract import extract
from attachments.sandbox import MEMORY_MB, TIMEOUT, extract_safely
from attachments.sniff import sniff
from crawl.fetch import Fetcher, FetchResult
from crawl.state import CrawlState
from crawl.urls import host_allowed

log = logging.getLogger(__name__)

# Links read per article. Agency posts attach a handful of files; a page listing hundreds of links (a document
# library mistaken for an article) would otherwise cost hundreds of downloads. The rest stay plain links.
MAX_PER_ARTICLE = 20
KIND = "attachment"  # the crawl_pages kind of an attachment's row (its ETag and Last-Modified)


@dataclass
class AttachmentCounts:
    """What the reader did in a run: files read, files found unchanged, bad or failed ones, links refused."""

    new: int = 0
    unchanged: int = 0
    failed: int = 0
    skipped: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)


def needs_reading(entry: dict[str, Any]) -> bool:
    """An entry never fetched (archived before attachments were read) or whose download failed last time."""
    if entry.get("hash"):
        return False
    error = entry.get("error")
    return not error or error.startswith("download failed")


class AttachmentReader:
    """Reads the attachments of one site's articles; `counts` adds up over the run.

    `report(url, outcome)` is told each file's outcome (new, unchanged, skipped, or the failure's reason).
    """

    def __init__(self, fetcher: Fetcher, state: CrawlState, files: FileStore, *, site: str,
                 allowed_hosts: tuple[str, ...], max_bytes: int, max_per_article: int = MAX_PER_ARTICLE,
                 timeout: float = TIMEOUT, memory_mb: int = MEMORY_MB,
                 report: Callable[[str, str], None] | None = None) -> None:
        self.fetcher = fetcher
        self.state = state
        self.files = files
        self.site = site
        self.allowed_hosts = allowed_hosts
        self.max_bytes = max_bytes
        self.max_per_article = max_per_article
        self.timeout = timeout
        self.memory_mb = memory_mb
        self.report = report
        self.counts = AttachmentCounts()
        self._read: dict[str, dict[str, Any]] = {}  # hash -> what was read, for a file linked again in this run

    # -- articles -----------------------------------------------------------------------------
    def read(self, links: list[dict[str, Any]], previous: list[dict[str, Any]], *,
             only_missing: bool = False) -> list[dict[str, Any]]:
        """Entries for `links`, in order; `previous` are the archived entries of the article being replaced.

        `only_missing` re-reads only entries that `needs_reading` (an unchanged article revisited): the others
        are kept without a request.
        """
        before = {entry["url"]: entry for entry in previous if isinstance(entry, dict) and entry.get("url")}
        out = []
        for index, link in enumerate(links):
            old = before.get(link["url"])
            if index >= self.max_per_article or (only_missing and old is not None and not needs_reading(old)):
                out.append(_retitled(old, link) if old is not None else dict(link))
                continue
            out.append(self.read_one(link, old if old is None or not needs_reading(old) else None))
        if len(links) > self.max_per_article:
            log.info("%s: %d attachments on one article; only the first %d are read", self.site, len(links),
                     self.max_per_article)
        return out

    def has_missing(self, entries: list[dict[str, Any]]) -> bool:
        return any(needs_reading(entry) for entry in entries[:self.max_per_article])

    # -- one file -----------------------------------------------------------------------------
    def read_one(self, link: dict[str, Any], old: dict[str, Any] | None) -> dict[str, Any]:
        """The entry of one link; `old` is its archived entry when there is one."""
        url = link["url"]
        if old is not None and self._refused_for_good(old):
            self._count("skipped", url, old["error"])
            return _retitled(old, link)
        conditional = old is not None and bool(old.get("hash"))
        page = self.state.page(url) if conditional else None
        result = self.fetcher.get(url, allowed_hosts=self.allowed_hosts, accept=None, max_bytes=self.max_bytes,
                                  etag=page.etag if page else None,
                                  last_modified=page.last_modified if page else None)
        if result.not_modified and conditional:
            assert old is not None
            self.state.record_page(url, self.site, KIND, "304")
            self._count("unchanged", url, "304")
            return _retitled(old, link)
        if not result.ok:
            return self._not_downloaded(link, old, result)
        self.state.record_page(url, self.site, KIND, str(len(result.content)), etag=result.etag,
                               last_modified=result.last_modified)
        digest = content_hash(result.content)
        if conditional and old is not None and old.get("hash") == digest:
            self._count("unchanged", url, "same file")
            return _retitled(old, link)
        return self._read_file(link, result.content, digest)

    def _refused_for_good(self, old: dict[str, Any]) -> bool:
        """A link a rule refused: not asked for again, unless the rule was about a host that is now allowed."""
        error = old.get("error") or ""
        if old.get("hash") or not error.startswith("skipped:"):
            return False
        if "is not in allowed_hosts" in error:
            return not host_allowed(old["url"], self.allowed_hosts)
        return True

    def _not_downloaded(self, link: dict[str, Any], old: dict[str, Any] | None, result: FetchResult) -> dict[str, Any]:
        reason = _download_error(result)
        if old is not None and old.get("hash"):
            # a passing server error, or a file since removed or grown past the cap, must not lose what was read
            self._count("failed", link["url"], f"{reason} (the earlier copy is kept)")
            return _retitled(old, link)
        entry = {"url": link["url"], "title": link.get("title", ""), "error": reason}
        length = result.headers.get("content-length", "")
        if reason.startswith("too large") and length.isdigit():
            entry["size"] = int(length)
        self._count("skipped" if reason.startswith("skipped:") else "failed", link["url"], reason)
        return entry

    def _read_file(self, link: dict[str, Any], data: bytes, digest: str) -> dict[str, Any]:
        """Sniff, keep and read a downloaded file (once per content in a run)."""
        entry: dict[str, Any] = {"url": link["url"], "title": link.get("title", ""), "size": len(data)}
        kind = sniff(data)
        if kind is None:
            # Not a document (an HTML error page under a .pdf name...): not kept. No parser runs for an unknown
            # type, only the sniffer's own header checks, so this can run in the crawler's process.
            entry["error"] = extract(data).error or "unknown type"
            self._count("failed", link["url"], entry["error"])
            return entry
        entry["hash"] = digest
        read = self._read.get(digest)
        if read is None:
            self.files.put(data)
            read = self._extract(data, kind)
            self._read[digest] = read
        entry.update(read)
        if "error" in entry:
            self._count("failed", link["url"], entry["error"])
        else:
            self._count("new", link["url"], kind)
        return entry

    def _extract(self, data: bytes, kind: str) -> dict[str, Any]:
        """The entry's fields from the sandboxed extraction, legacy fonts converted, scanned pages left to OCR."""
        got = extract_safely(data, kind, timeout=self.timeout, memory_mb=self.memory_mb)
        pages = [page.replace(PAGE_BREAK, "\n") for page in got.pages]
        for number in got.scanned_pages:
            if number <= len(pages):
                pages[number - 1] = ""  # the few letters of a scan's text layer are not its text
        pages, encoding = _repair(pages)
        fields: dict[str, Any] = {"type": got.kind or kind, "text": PAGE_BREAK.join(pages), "pages": got.page_count}
        if got.method:
            fields["method"] = got.method
        if got.tool:
            fields["tool"] = got.tool
        if encoding:
            fields["encoding"] = encoding
        if got.scanned_pages:
            fields["ocr_pending"] = list(got.scanned_pages)
        if got.truncated:
            fields["truncated"] = True
        if got.error:
            fields["error"] = got.error
        return fields

    def _count(self, outcome: str, url: str, detail: str) -> None:
        setattr(self.counts, outcome, getattr(self.counts, outcome) + 1)
        if outcome == "failed":
            log.warning("%s: attachment %s: %s", self.site, url, detail)
            self.counts.failures.append((url, detail))
        if self.report is not None:
            self.report(url, detail if outcome == "failed" else outcome)


def _retitled(old: dict[str, Any], link: dict[str, Any]) -> dict[str, Any]:
    """The archived entry under the link text the page shows now."""
    return {**old, "url": link["url"], "title": link.get("title", old.get("title", ""))}


def _download_error(result: FetchResult) -> str:
    """An entry's error for a file not downloaded: "too large: ...", "skipped: <rule>" or "download failed: ..."."""
    error = result.error or f"HTTP {result.status}"
    if result.skipped and error.startswith("too large"):
        return "too large: " + error.removeprefix("too large").strip().strip("()")
    if result.skipped:
        return f"skipped: {error}"
    return f"download failed: {error}"


def _repair(pages: list[str]) -> tuple[list[str], str | None]:
    """Legacy-font pages converted to Unicode, and the encoding most of the converted pages were in."""
    found: Counter[str] = Counter()
    out = []
    for page in pages:
        text, encoding = legacy.repair(page) if page else (page, None)
        if encoding:
            found[encoding] += 1
        out.append(text)
    return out, found.most_common(1)[0][0] if found else None
