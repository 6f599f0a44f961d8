"""A small NukeViet-like news portal on 127.0.0.1 for the crawler tests, and tests of the portal itself.

`Portal` is a threaded stdlib HTTP server that records every request (path, headers, time) so tests
can assert delays, conditional headers and request counts. `NewsPortal` renders list pages, article
pages, robots.txt and sitemap.xml from a list of `Post`s that tests can add to and edit.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest

Response = tuple[int, dict[str, str], bytes]
WEEKDAYS = ["Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật"]


@dataclass
class Hit:
    """One request the portal received."""

    path: str  # path with query
    headers: dict[str, str]
    time: float  # time.monotonic() on arrival


class Portal:
    """A local HTTP server on port 0; routes are static responses or functions of the request."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.hits: list[Hit] = []
        self.routes: dict[str, Callable[[Hit], Response]] = {}
        self._server: ThreadingHTTPServer | None = None
        self.base_url = ""

    # -- routes -------------------------------------------------------------------------------
    def add(self, path: str, body: bytes | str, *, status: int = 200, content_type: str = "text/html; charset=utf-8",
            headers: dict[str, str] | None = None) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        fixed = {"Content-Type": content_type, **(headers or {})}
        self.routes[path] = lambda hit: (status, dict(fixed), data)

    def add_handler(self, path: str, handler: Callable[[Hit], Response]) -> None:
        self.routes[path] = handler

    def resolve(self, hit: Hit) -> Response:
        handler = self.routes.get(hit.path) or self.routes.get(urlsplit(hit.path).path)
        if handler is None:
            return 404, {"Content-Type": "text/html; charset=utf-8"}, b"<html><body>Not found</body></html>"
        return handler(hit)

    def paths(self) -> list[str]:
        return [hit.path for hit in self.hits]

    def url(self, path: str) -> str:
        return self.base_url + path

    # -- server -------------------------------------------------------------------------------
    def start(self) -> str:
        portal = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            wbufsize = 1 << 16  # headers and body in one segment: no Nagle/delayed-ACK 40 ms stalls

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                hit = Hit(self.path, {k.lower(): v for k, v in self.headers.items()}, time.monotonic())
                portal.hits.append(hit)
                status, headers, body = portal.resolve(hit)
                self.send_response(status)
                if headers.get("Content-Length") == "":  # a body of unknown length: ends at connection close
                    headers = {k: v for k, v in headers.items() if k != "Content-Length"}
                    headers["Connection"] = "close"
                    self.close_connection = True
                elif "Content-Length" not in headers:
                    headers = {**headers, "Content-Length": str(len(body))}
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                if status != 304:
                    try:
                        self.wfile.write(body)
                    except (BrokenPipeError, ConnectionResetError):
                        pass  # the crawler hung up on purpose (size cap, wrong type)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet tests
                pass

        self._server = ThreadingHTTPServer((self.host, 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        self.base_url = f"http://{self.host}:{self._server.server_address[1]}"
        return self.base_url

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> Portal:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


@dataclass
class Post:
    id: int
    title: str
    published: datetime
    paragraphs: list[str]
    signature: str = "Phòng HC-TH"
    category: str = "tin-tuc"
    attachments: list[tuple[str, str]] = field(default_factory=list)
    modified: datetime | None = None

    @property
    def slug(self) -> str:
        return f"bai-viet-so-{self.id}"

    @property
    def path(self) -> str:
        return f"/vi/news/{self.category}/{self.slug}-{self.id}.html"

    @property
    def lastmod(self) -> datetime:
        return self.modified or self.published


def _dateline(moment: datetime) -> str:
    return f"{WEEKDAYS[moment.weekday()]} - {moment:%d/%m/%Y %H:%M}"


class NewsPortal(Portal):
    """A NukeViet-like agency portal: /vi/news/ and /vi/news/page-N, newest first, a pinned post on
    every list page, article pages with a header showing today's date, a related list with dates,
    and a signature as the last paragraph; ETag/Last-Modified with 304; robots.txt; sitemap.xml."""

    def __init__(self, n_posts: int = 12, per_page: int = 5, *, pinned: bool = True, robots: str = "",
                 sitemap: bool = True) -> None:
        super().__init__()
        self.per_page = per_page
        self.robots = robots
        self.sitemap = sitemap
        self.posts: list[Post] = []
        start = datetime(2019, 1, 2, 8, 30)
        for n in range(1, n_posts + 1):
            self.add_post(f"Hội nghị chuyên đề số {n} về công tác khuyến công", when=start + timedelta(days=n))
        self.pinned_id = self.posts[0].id if pinned and self.posts else None

    def add_post(self, title: str, *, when: datetime | None = None, signature: str = "Phòng HC-TH",
                 paragraphs: list[str] | None = None, attachments: list[tuple[str, str]] | None = None) -> Post:
        last = max((p.published for p in self.posts), default=datetime(2019, 1, 1, 8, 0))
        post = Post(
            id=len(self.posts) + 1, title=title, published=when or last + timedelta(days=1, hours=1),
            paragraphs=paragraphs or [
                f"Sáng nay, Trung tâm Khuyến công tổ chức {title.lower()} với sự tham dự của cán bộ các phòng.",
                "Hội nghị đánh giá kết quả thực hiện các đề án khuyến công và đề ra phương hướng năm tới.",
            ],
            signature=signature, attachments=attachments or [],
        )
        self.posts.append(post)
        return post

    def edit_post(self, post_id: int, paragraph: str) -> Post:
        """A silent edit: the body changes, the list pages do not; only the sitemap's lastmod moves."""
        post = next(p for p in self.posts if p.id == post_id)
        post.paragraphs = [*post.paragraphs, paragraph]
        post.modified = post.lastmod + timedelta(days=30)
        return post

    # -- rendering ----------------------------------------------------------------------------
    def newest_first(self) -> list[Post]:
        return sorted(self.posts, key=lambda p: p.published, reverse=True)

    def list_pages(self) -> int:
        return max(1, -(-len(self.posts) // self.per_page))

    def _frame(self, title: str, content: str, canonical: str = "") -> str:
        today = date.today()
        canonical_tag = f'<link rel="canonical" href="{self.base_url}{canonical}">' if canonical else ""
        return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>{title} - Trung tâm Khuyến công</title>{canonical_tag}</head>
<body>
<div id="top-bar"><span>{WEEKDAYS[today.weekday()]}, {today:%d/%m/%Y}</span> <a href="/vi/">Trang chủ</a></div>
<div class="logo-wrap"><h1>Trung tâm Khuyến công tỉnh Thanh Hóa</h1></div>
<ul class="main-menu"><li><a href="/vi/news/">Tin tức sự kiện</a></li>
<li><a href="/vi/news/tin-tuc/">Hoạt động khuyến công tỉnh nhà</a></li></ul>
<div class="wrapper">{content}</div>
<div id="footer">Bản quyền thuộc Trung tâm Khuyến công. Lượt truy cập: 123456</div>
</body></html>"""

    def render_list(self, page: int) -> str:
        posts = self.newest_first()
        pinned = [p for p in posts if p.id == self.pinned_id]
        chunk = posts[(page - 1) * self.per_page: page * self.per_page]
        rows = []
        for post in pinned + [p for p in chunk if p.id != self.pinned_id]:
            rows.append(f'<div class="item"><h3><a href="{post.path}">{post.title}</a></h3>'
                        f'<span class="time">{post.published:%d/%m/%Y}</span><p>{post.paragraphs[0]}</p></div>')
        pager = ""
        if page < self.list_pages():
            pager = f'<div class="generate-page"><a href="/vi/news/page-{page + 1}">{page + 1}</a>' \
                    f' <a href="/vi/news/page-{page + 1}" title="Trang sau">›</a></div>'
        return self._frame("Tin tức", f'<div class="news-list">{"".join(rows)}</div>{pager}')

    def render_post(self, post: Post) -> str:
        related = [p for p in self.newest_first() if p.id != post.id][:3]
        related_html = "".join(f'<li><a href="{p.path}">{p.title}</a> ({p.published:%d/%m/%Y})</li>' for p in related)
        attachments = "".join(f'<p><a href="{url}">{text}</a></p>' for url, text in post.attachments)
        paragraphs = "".join(f"<p>{text}</p>" for text in post.paragraphs)
        content = f"""<div class="news-detail">
<h2 class="title">{post.title}</h2>
<div class="meta"><span class="date">{_dateline(post.published)}</span></div>
<div class="bodytext">{paragraphs}<p style="text-align:right"><strong>{post.signature}</strong></p></div>
{attachments}
<div class="share-tools"><a href="#">In bài</a> <a href="#">Chia sẻ</a></div>
</div>
<div class="box-related"><h3>Tin liên quan</h3><ul>{related_html}</ul></div>"""
        return self._frame(post.title, content, canonical=post.path)

    def render_sitemap(self) -> str:
        urls = "".join(f"<url><loc>{self.base_url}{p.path}</loc><lastmod>{p.lastmod:%Y-%m-%dT%H:%M:%S}+07:00"
                       f"</lastmod></url>" for p in self.posts)
        return f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">' \
               f"{urls}</urlset>"

    def resolve(self, hit: Hit) -> Response:
        if hit.path in self.routes or urlsplit(hit.path).path in self.routes:
            return super().resolve(hit)
        path = urlsplit(hit.path).path
        html = {"Content-Type": "text/html; charset=utf-8"}
        if path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, self.robots.encode()
        if path == "/sitemap.xml" and self.sitemap:
            return 200, {"Content-Type": "application/xml"}, self.render_sitemap().encode()
        if path in ("/vi/news/", "/vi/news") or path.startswith("/vi/news/page-"):
            page = int(path.rsplit("-", 1)[1]) if "page-" in path else 1
            if page > self.list_pages():
                return 404, html, b"Not found"
            return 200, html, self.render_list(page).encode()
        for post in self.posts:
            if path == post.path:
                return self._conditional(hit, post)
        return 404, html, b"<html><body>Not found</body></html>"

    def _conditional(self, hit: Hit, post: Post) -> Response:
        body = self.render_post(post).encode()
        etag = f'"{post.id}-{hash(tuple(post.paragraphs)) & 0xffffffff:x}"'
        modified = format_datetime(post.lastmod.replace(tzinfo=None).astimezone(), usegmt=False)
        headers = {"Content-Type": "text/html; charset=utf-8", "ETag": etag, "Last-Modified": modified}
        if hit.headers.get("if-none-match") == etag:
            return 304, headers, b""
        return 200, headers, body


def portal_factory() -> Iterator[Callable[..., NewsPortal]]:
    """Factory fixture body: a started NewsPortal with keyword overrides; stopped after the test.

    Other test modules register it with ``news_portal = pytest.fixture(portal_factory, name="news_portal")``.
    """
    started: list[NewsPortal] = []

    def make(**kwargs: object) -> NewsPortal:
        portal = NewsPortal(**kwargs)  # type: ignore[arg-type]
        portal.start()
        started.append(portal)
        return portal

    yield make
    for portal in started:
        portal.stop()


news_portal = pytest.fixture(portal_factory, name="news_portal")


# -- the portal's own behaviour, so crawler failures are not fixture bugs ----------------------------
def test_portal_serves_lists_posts_and_conditional_gets(news_portal: Callable[..., NewsPortal]) -> None:
    import httpx

    portal = news_portal(n_posts=7, per_page=3)
    first = httpx.get(portal.url("/vi/news/"))
    assert first.status_code == 200 and "page-2" in first.text
    assert httpx.get(portal.url("/vi/news/page-4")).status_code == 404
    post = portal.posts[-1]
    page = httpx.get(portal.url(post.path))
    assert post.title in page.text and "Phòng HC-TH" in page.text
    again = httpx.get(portal.url(post.path), headers={"If-None-Match": page.headers["etag"]})
    assert again.status_code == 304
    assert len(portal.hits) == 4
