"""The demo portal served over real HTTP on 127.0.0.1, editable while it runs.

`tracuu demo` crawls it and the crawler and end-to-end tests run against it, so it behaves like a real
agency site where it matters to a crawler: paginated lists, validators and 304s on article pages,
robots.txt, a sitemap, redirects to canonical URLs, attachments, and it records every request it gets.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import socket
import sys
import threading
import time
import traceback
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tracuu.demosite import files, pages
from tracuu.demosite.content import (
    CATEGORIES,
    SITE_NAME,
    VIETNAM_TZ,
    DemoArticle,
    canonical_department,
    copy_articles,
    make_article,
    nfc,
)

_PAGE = re.compile(r"page-(\d+)")
_ARTICLE = re.compile(r"([a-z0-9-]+)-(\d+)\.html")
_HOST = re.compile(r"[A-Za-z0-9.\-\[\]:]+")


@dataclasses.dataclass(frozen=True)
class RecordedRequest:
    """One request as the server saw it: for politeness assertions (delays, User-Agent, validators)."""

    method: str
    path: str  # as requested, query string included
    headers: dict[str, str]  # header names in Title-Case ("User-Agent", "If-None-Match")
    timestamp: float  # time.monotonic() when the request line was read

    @property
    def url_path(self) -> str:
        """The path without its query string."""
        return self.path.split("?", 1)[0]

    def header(self, name: str) -> str | None:
        """A header value by case-insensitive name."""
        wanted = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == wanted), None)


def _title_case(name: str) -> str:
    return "-".join(part.capitalize() for part in name.split("-"))


def _now_vn() -> datetime:
    return datetime.now(VIETNAM_TZ).replace(tzinfo=None, microsecond=0)


def _http_date(naive_vn: datetime) -> str:
    return format_datetime(naive_vn.replace(tzinfo=VIETNAM_TZ).astimezone(UTC), usegmt=True)


@functools.lru_cache(maxsize=256)
def _attachment(file_name: str, lines: tuple[str, ...]) -> bytes:
    return files.attachment_bytes(file_name, list(lines))


# Real attached files (a typed and a scanned PDF, DOCX, DOC, XLSX) made by scripts/make-demo-attachments and
# shipped with the package, so the demo needs none of the programs that made them. An article attaching a file
# of the same name gets these bytes; other attachments are built on demand by files.py.
ATTACHMENTS_DIR = Path(__file__).with_name("attachments")
# The DOC goes out as application/octet-stream, as many agencies' servers send Word 97 files: the crawler must
# tell what a file is from its bytes, not from the header.
BUNDLED_TYPES = {
    ".pdf": files.PDF_TYPE,
    ".docx": files.DOCX_TYPE,
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".doc": "application/octet-stream",
}


@functools.lru_cache(maxsize=32)
def bundled_attachment(name: str) -> bytes | None:
    """The bytes of a shipped attachment by file name, or None when there is no such file."""
    path = ATTACHMENTS_DIR / name
    if "/" in name or name.startswith(".") or not path.is_file():
        return None
    return path.read_bytes()


def bundled_content_type(name: str) -> str:
    return BUNDLED_TYPES.get(Path(name).suffix.lower(), "application/octet-stream")


class DemoSite:
    """The demo portal. Use as a context manager, or start()/stop()."""

    def __init__(self, articles: Iterable[DemoArticle] | None = None, *, robots_txt: str | None = None,
                 per_page: int = 10, verbose: bool = False) -> None:
        if per_page < 1:
            raise ValueError("per_page must be at least 1")
        self.per_page = per_page
        self.robots_txt = robots_txt  # None: the default; "{base_url}" in it is replaced when served
        self.verbose = verbose  # log requests to stderr
        self.requests: list[RecordedRequest] = []
        self._lock = threading.RLock()
        self._articles: dict[int, DemoArticle] = {}
        for article in (copy_articles() if articles is None else [a.copy() for a in articles]):
            if article.id in self._articles:
                raise ValueError(f"two articles have id {article.id}")
            self._articles[article.id] = article
        self._last_issued_id = max(self._articles, default=0)
        self._errors: dict[str, list[Any]] = {}
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._base_url: str | None = None

    # --- life cycle ----------------------------------------------------------------------------------

    def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Serve in a background thread; port 0 picks a free port. Returns the base URL.

        Calling it on a running site (e.g. inside `with DemoSite() as site:`) just returns the base URL,
        unless a different fixed port is asked for.
        """
        if self._server is not None:
            if port not in (0, self._server.server_address[1]):
                raise RuntimeError(f"the demo site is already running at {self._base_url}")
            return self.base_url
        server = _Server((host, port), self)
        bound_port = server.server_address[1]
        url_host = "127.0.0.1" if host in ("", "0.0.0.0") else host
        self._base_url = f"http://{url_host}:{bound_port}"
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name=f"demosite:{bound_port}", daemon=True)
        self._thread.start()
        return self._base_url

    def stop(self) -> None:
        """Stop serving, close open keep-alive connections and free the port. Safe to call twice."""
        server, thread = self._server, self._thread
        if server is None:
            return
        server.shutdown()
        server.close_connections()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> DemoSite:
        if self._server is None:
            self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def base_url(self) -> str:
        """'http://127.0.0.1:PORT' (no trailing slash); also valid after stop(), for messages."""
        if self._base_url is None:
            raise RuntimeError("the demo site has not been started")
        return self._base_url

    def url_for(self, article: DemoArticle | int) -> str:
        """The absolute canonical URL of an article."""
        if isinstance(article, int):
            article = self.get_article(article)
        return self.base_url + article.path

    # --- content -------------------------------------------------------------------------------------

    @property
    def articles(self) -> list[DemoArticle]:
        """Copies of the articles currently published, newest first (list order)."""
        return [a.copy() for a in self._ordered()]

    def get_article(self, article_id: int) -> DemoArticle:
        with self._lock:
            return self._articles[article_id].copy()

    def new_article(self, title: str, paragraphs: list[str], department: str | None = None,
                    signature: str | None = None, category_slug: str = "tin-hoat-dong",
                    published: datetime | None = None, *,
                    attachments: list[dict[str, str]] | None = None) -> DemoArticle:
        """A new article with a fresh id, dated now (and after every current post) unless given.

        It is not published yet: pass it to add_article().
        """
        with self._lock:
            self._last_issued_id = max(self._last_issued_id, *self._articles, 0) + 1
            new_id = self._last_issued_id
            if published is None:
                newest = max((a.published for a in self._articles.values()), default=None)
                published = _now_vn().replace(second=0)
                if newest is not None and published <= newest:
                    published = newest + timedelta(minutes=1)
        return make_article(title, paragraphs, id=new_id, department=department, signature=signature,
                            category_slug=category_slug, published=published, attachments=attachments)

    def add_article(self, article: DemoArticle) -> DemoArticle:
        """Publish an article; lists order by date, so a newly dated one comes first."""
        with self._lock:
            if article.id in self._articles:
                raise ValueError(f"an article with id {article.id} already exists")
            stored = article.copy()
            self._articles[stored.id] = stored
            self._last_issued_id = max(self._last_issued_id, stored.id)
            return stored.copy()

    def edit_article(self, article_id: int, *, paragraphs: list[str] | None = None, title: str | None = None,
                     signature: str | None = None,
                     attachments: list[dict[str, str]] | None = None) -> DemoArticle:
        """Change a published article in place (same URL); its ETag, Last-Modified and lastmod move on."""
        with self._lock:
            old = self._articles[article_id]
            changes: dict[str, Any] = {}
            if paragraphs is not None:
                changes["paragraphs"] = [nfc(p).strip() for p in paragraphs]
            if title is not None:
                changes["title"] = nfc(title).strip()
            if signature is not None:
                changes["signature"] = nfc(signature).strip()
                changes["department"] = canonical_department(signature)
            if attachments is not None:
                changes["attachments"] = [{"file": a["file"], "title": nfc(a["title"])} for a in attachments]
            # Strictly later than before, to the second, so If-Modified-Since sees the change.
            changes["modified"] = max(_now_vn(), old.last_modified.replace(microsecond=0) + timedelta(seconds=1))
            new = dataclasses.replace(old.copy(), **changes)
            self._articles[article_id] = new  # copy-on-write: pages being rendered keep a consistent view
            return new.copy()

    def remove_article(self, article_id: int) -> DemoArticle:
        """Unpublish an article: its page answers 404 and it leaves every list and the sitemap."""
        with self._lock:
            return self._articles.pop(article_id)

    def _ordered(self) -> list[DemoArticle]:
        with self._lock:
            snapshot = list(self._articles.values())
        return sorted(snapshot, key=lambda a: (a.published, a.id), reverse=True)

    # --- request log and fault injection -------------------------------------------------------------

    def clear_requests(self) -> None:
        with self._lock:
            self.requests.clear()

    def requests_for(self, path_prefix: str) -> list[RecordedRequest]:
        """Recorded requests whose path starts with path_prefix."""
        with self._lock:
            return [r for r in self.requests if r.path.startswith(path_prefix)]

    def inject_error(self, path: str, status: int = 503, *, times: int = 1, retry_after: int | None = None) -> None:
        """Answer the next `times` requests for this exact path (query ignored) with an error status."""
        with self._lock:
            self._errors[path] = [status, times, retry_after]

    def _record(self, method: str, path: str, headers: Iterable[tuple[str, str]]) -> None:
        entry = RecordedRequest(method, path, {_title_case(k): v for k, v in headers}, time.monotonic())
        with self._lock:
            self.requests.append(entry)

    def _take_error(self, path: str) -> tuple[int, int | None] | None:
        with self._lock:
            entry = self._errors.get(path)
            if not entry:
                return None
            entry[1] -= 1
            if entry[1] <= 0:
                del self._errors[path]
            return entry[0], entry[2]

    # --- rendering -----------------------------------------------------------------------------------

    def _robots(self, base: str) -> str:
        if self.robots_txt is not None:
            return self.robots_txt.replace("{base_url}", base)
        return f"User-agent: *\nDisallow: /admin/\n\nSitemap: {base}/sitemap.xml\n"


@dataclasses.dataclass
class _Response:
    """What a handler sends: status, body, headers."""

    status: int
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = dataclasses.field(default_factory=dict)


def _html(status: int, text: str, headers: dict[str, str] | None = None) -> _Response:
    return _Response(status, nfc(text).encode("utf-8"), headers=headers or {})


def _redirect(location: str) -> _Response:
    return _html(301, f'<!DOCTYPE html><html><body><a href="{location}">Moved</a></body></html>',
                 {"Location": location})


def _today() -> date:
    return datetime.now(VIETNAM_TZ).date()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real servers do; every response has a length
    wbufsize = 1 << 16  # buffered writes: unbuffered keep-alive responses wait ~40 ms on Nagle/delayed ACK
    server_version = "nginx"
    sys_version = ""
    timeout = 15  # idle keep-alive connections are dropped after this many seconds
    server: _Server

    @property
    def site(self) -> DemoSite:
        return self.server.site

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def do_POST(self) -> None:
        self.site._record(self.command, self.path, self.headers.items())
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        response = _html(405, pages.render_error(405, "Phương thức không được hỗ trợ.", today=_today()),
                         {"Allow": "GET, HEAD"})
        self._send(response, send_body=True)

    def log_message(self, format: str, *args: Any) -> None:
        if self.site.verbose:
            super().log_message(format, *args)

    def _answer(self, *, send_body: bool) -> None:
        self.site._record(self.command, self.path, self.headers.items())
        try:
            response = self._route()
        except Exception:  # a bug here must show up as a 500, not a hung test
            traceback.print_exc(file=sys.stderr)
            response = _html(500, pages.render_error(500, "Lỗi máy chủ.", today=_today()))
        self._send(response, send_body=send_body)

    def _send(self, response: _Response, *, send_body: bool) -> None:
        self.send_response(response.status)
        if response.status != 304:
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if send_body and response.status != 304:
            self.wfile.write(response.body)

    def _base(self) -> str:
        host = self.headers.get("Host", "")
        return f"http://{host}" if host and _HOST.fullmatch(host) else self.site.base_url

    def _route(self) -> _Response:
        path = urlsplit(self.path).path
        injected = self.site._take_error(path)
        if injected:
            status, retry_after = injected
            headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
            return _html(status, pages.render_error(status, "Máy chủ đang bận, vui lòng thử lại sau.",
                                                    today=_today()), headers)
        base = self._base()
        if path == "/":
            return _html(200, pages.render_home(self.site._ordered(), today=_today(), base_url=base))
        if path == "/robots.txt":
            return _Response(200, self.site._robots(base).encode("utf-8"), "text/plain; charset=utf-8")
        if path == "/sitemap.xml":
            return _Response(200, pages.render_sitemap(self.site._ordered(), base).encode("utf-8"),
                             "application/xml; charset=utf-8")
        if path == "/themes/default/css/style.css":
            return _Response(200, pages.STYLE_CSS.encode("utf-8"), "text/css; charset=utf-8")
        if path in ("/admin", "/vi", "/vi/news"):
            return _redirect(path + "/")
        if path == "/vi/":
            return _redirect("/")
        if path.startswith("/admin/"):
            return _html(200, pages.render_admin())
        if path.startswith("/uploads/"):
            return self._upload(path.removeprefix("/uploads/"))
        if path.startswith("/vi/news/"):
            return self._news(path.removeprefix("/vi/news/"), base)
        return self._not_found()

    def _not_found(self) -> _Response:
        return _html(404, pages.render_error(404, "Trang bạn yêu cầu không tồn tại hoặc đã bị xóa.",
                                             today=_today()))

    def _news(self, rest: str, base: str) -> _Response:
        parts = rest.split("/")
        trailing_slash = parts[-1] == ""
        if trailing_slash:
            parts.pop()
        if not parts:
            return self._list(None, None, base)
        if len(parts) == 1 and (m := _PAGE.fullmatch(parts[0])):
            return self._list(None, int(m.group(1)), base)
        if parts[0] not in CATEGORIES or len(parts) > 2:
            return self._not_found()
        category = parts[0]
        if len(parts) == 1:
            return self._list(category, None, base) if trailing_slash else _redirect(f"/vi/news/{category}/")
        if m := _PAGE.fullmatch(parts[1]):
            return self._list(category, int(m.group(1)), base)
        if not trailing_slash and (m := _ARTICLE.fullmatch(parts[1])):
            return self._article(category, m.group(1), int(m.group(2)), base)
        return self._not_found()

    def _list(self, category: str | None, page_segment: int | None, base: str) -> _Response:
        """A list page; page_segment is N of a '/page-N' URL, None for the list's own URL."""
        if page_segment == 1:
            return _redirect(pages.list_url(category))  # one URL per page, as the pagination links use
        page = 1 if page_segment is None else page_segment
        ordered = self.site._ordered()
        items = [a for a in ordered if category is None or a.category_slug == category]
        per_page = self.site.per_page
        page_count = max(1, -(-len(items) // per_page))
        if not 1 <= page <= page_count:
            return self._not_found()
        html = pages.render_list(
            items[(page - 1) * per_page: page * per_page], pinned=[a for a in ordered if a.pinned],
            category_slug=category, page=page, pages=page_count, newest=ordered[:5],
            notices=[a for a in ordered if a.category_slug == "thong-bao"][:3], today=_today(), base_url=base,
        )
        return _html(200, html)

    def _article(self, category: str, slug: str, article_id: int, base: str) -> _Response:
        ordered = self.site._ordered()
        article = next((a for a in ordered if a.id == article_id), None)
        if article is None:
            return self._not_found()
        if (category, slug) != (article.category_slug, article.slug):
            return _redirect(article.path)  # NukeViet sends stale or mistyped aliases to the real one
        validators = {"ETag": article.etag, "Last-Modified": _http_date(article.last_modified),
                      "Cache-Control": "no-cache"}
        if self._not_modified(article):
            return _Response(304, headers=validators)
        html = pages.render_article(
            article, related=_related(article, ordered), newest=ordered[:5],
            notices=[a for a in ordered if a.category_slug == "thong-bao"][:3], today=_today(), base_url=base,
        )
        return _html(200, html, validators)

    def _not_modified(self, article: DemoArticle) -> bool:
        """RFC 9110: If-None-Match decides when present; otherwise If-Modified-Since."""
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
            return "*" in tags or article.etag in tags
        if_modified_since = self.headers.get("If-Modified-Since")
        if not if_modified_since:
            return False
        try:
            since = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError, IndexError):
            return False
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        modified = article.last_modified.replace(microsecond=0, tzinfo=VIETNAM_TZ)
        return modified <= since

    def _upload(self, file_name: str) -> _Response:
        for article in self.site._ordered():
            for attachment in article.attachments:
                if attachment["file"] == file_name:
                    name = file_name.rsplit("/", 1)[-1]
                    body, content_type = bundled_attachment(name), bundled_content_type(name)
                    if body is None:
                        lines = (SITE_NAME, attachment["title"], article.title,
                                 "Ngay dang: " + article.published.strftime("%d/%m/%Y"))
                        body, content_type = _attachment(file_name, lines), files.content_type(file_name)
                    return _Response(200, body, content_type,
                                     {"Content-Disposition": f'inline; filename="{name}"',
                                      "Last-Modified": _http_date(article.published)})
        return self._not_found()


def _related(article: DemoArticle, ordered: list[DemoArticle], count: int = 5) -> list[DemoArticle]:
    """'Tin liên quan': the closest posts in time from the same category, then from any."""
    def distance(other: DemoArticle) -> tuple[float, int]:
        return abs((other.published - article.published).total_seconds()), other.id

    others = [a for a in ordered if a.id != article.id]
    same = sorted((a for a in others if a.category_slug == article.category_slug), key=distance)[:count]
    rest = sorted((a for a in others if a not in same), key=distance)[: count - len(same)]
    return same + rest


class _Server(ThreadingHTTPServer):
    """A threaded server that remembers its open connections so stop() can close idle keep-alives."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], site: DemoSite) -> None:
        self.site = site
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return  # a client that hung up is not a server bug
        super().handle_error(request, client_address)

    def close_connections(self, wait: float = 2.0) -> None:
        with self._connections_lock:
            open_connections = list(self._connections)
        for connection in open_connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            with self._connections_lock:
                if not self._connections:
                    return
            time.sleep(0.01)
