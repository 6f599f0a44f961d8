"""Pages and the JSON API. Views validate parameters and render; the searching is the engine's
(`indexer.backend.open_search`), reached only through the contract in `indexer.engine`."""

from __future__ import annotations

import time
import unicodedata
from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, current_app, jsonify, render_template, request, url_for
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

from archive import Article, FileStore
from attachments.sniff import sniff
from indexer.engine import (
    FILETYPES,
    LABELS,
    MAX_PAGE,
    AttachmentMatch,
    IndexerError,
    IndexMissingError,
    InvalidParameter,
    SearchEngine,
    SearchRequest,
    SearchResponse,
    article_event_dates,
    article_people,
    attachment_matches,
    file_name,
    file_type,
    mark_query,
    query_terms,
)
from indexer.engine.hints import Hint, apply_hint, hints_json, index_hints
from webapp.feed import atom_feed, opensearch_description
from webapp.filters import PARAMS, search_params, search_url

bp = Blueprint("views", __name__)

FACET_SHOWN = 12     # facet values listed before "Xem thêm" (the rest fold into <details>)
# values a facet lists in all: a broad search names ~1 000 people, whose links took ~25 ms of a page's ~85 to render
# (and ~150 KB to send) for a list nobody scrolls; the API still returns every value
FACET_LISTED = 100
HOME_NEWEST = 8      # newest posts on the home page: what people come back for
HOME_TTL = 60.0      # seconds the home page's newest posts and counts are reused (a full-index count)
NO_INDEX = "Chưa thể tìm kiếm: chưa có chỉ mục. Người quản trị cần chạy 'tracuu index'."
UNUSABLE_INDEX = ("Chưa thể tìm kiếm: chỉ mục hiện không dùng được (có thể do nâng cấp phiên bản). "
                  "Người quản trị cần chạy 'tracuu index' để dựng lại chỉ mục.")


def engine() -> SearchEngine:
    return current_app.extensions["tracuu_index"]


def request_from_args(per_page: int | None = None) -> SearchRequest:
    """The search the URL asks for; unknown parameters are ignored, bad values raise InvalidParameter."""
    params: dict[str, Any] = dict(request.args)
    if per_page is not None and not params.get("per_page"):
        params["per_page"] = per_page
    req = SearchRequest.from_params(params)
    if req.date_from and req.date_to and req.date_from > req.date_to:
        raise InvalidParameter("from", f"Ngày bắt đầu ({req.date_from:%d/%m/%Y}) đang sau ngày kết thúc "
                                       f"({req.date_to:%d/%m/%Y}). Hãy đổi lại khoảng thời gian.")
    return req


def unavailable(exc: IndexerError) -> str:
    """Why searching is unavailable, for the public: no index yet, or one that must be rebuilt."""
    return NO_INDEX if isinstance(exc, IndexMissingError) else UNUSABLE_INDEX


def _error_page(status: int, title: str, message: str) -> tuple[str, int]:
    return render_template("error.html", title=title, message=message), status


def api_error(status: int, message: str, parameter: str | None = None) -> tuple[Response, int]:
    """Every API error has this one shape, whatever the status."""
    return jsonify({"error": message, "parameter": parameter}), status


@bp.route("/")
def search() -> Any:
    try:
        search_request = request_from_args(current_app.config["TRACUU_PER_PAGE"])
    except InvalidParameter as exc:
        return _error_page(400, "Tham số không hợp lệ", str(exc))
    started = time.perf_counter()
    try:
        if not search_params():
            return _home()
        response = engine().search(search_request)
        hints = _hints(search_request)
    except IndexerError as exc:
        return _error_page(503, "Chưa có chỉ mục", unavailable(exc))
    chips = [{"url": search_url(q=apply_hint(search_request.q, h), **{h.parameter: h.value}), "label": h.label,
              "words": " ".join(h.words)} for h in hints]
    return render_template("search.html", req=search_request, res=response, labels=LABELS,
                           filetypes=FILETYPES, shown=FACET_SHOWN, listed=FACET_LISTED, chart=_year_chart(response),
                           pages=_pages(response), elapsed=time.perf_counter() - started, hints=chips)


def _hints(req: SearchRequest) -> list[Hint]:
    """Filters the query's words name, offered as chips (never applied without a click)."""
    if not req.q.strip():
        return []
    cached = current_app.extensions.get("tracuu_hints")
    if cached is None or time.monotonic() - cached[0] >= HOME_TTL:  # a whole-index count, reused as the home page's
        cached = (time.monotonic(), index_hints(engine(), current_app.config["TRACUU_DEPARTMENT_ALIASES"]))
        current_app.extensions["tracuu_hints"] = cached
    return cached[1].hints(req.q, req.filters())


def _home() -> str:
    """The page without a search: the search box, tips, and the newest posts.

    Counting facets over the whole index is the most expensive search there is, and the home page
    is the most visited one: its answer is reused for HOME_TTL seconds (new posts show within a minute).
    """
    cached = current_app.extensions.get("tracuu_home")
    if cached is not None and time.monotonic() - cached[0] < HOME_TTL:
        newest = cached[1]
    else:
        newest = engine().search(SearchRequest(sort="newest", per_page=HOME_NEWEST))
        current_app.extensions["tracuu_home"] = (time.monotonic(), newest)
    return render_template("search.html", req=None, res=None, newest=newest, labels=LABELS)


def _pages(res: SearchResponse) -> dict[str, Any]:
    if res.total == 0:
        return {}
    last = min(MAX_PAGE, max(1, -(-res.total // res.per_page)))  # deeper pages are refused (400)
    window = range(max(1, res.page - 3), min(last, res.page + 3) + 1)
    return {"last": last, "window": list(window), "prev": res.page - 1 if res.page > 1 else None,
            "next": res.page + 1 if res.page < last else None}


def _year_chart(res: SearchResponse) -> list[Any]:
    """Bars for the timeline (webapp.timeline.Bucket): years, or wider spans when the matches cover decades."""
    from webapp.timeline import buckets  # imported here so this helper stays the only place views.py names it

    return buckets({int(f.value): f.count for f in res.facets.get("year", []) if f.value.isdigit()})


@bp.route("/api/search")
def api_search() -> Any:
    try:
        search_request = request_from_args()
    except InvalidParameter as exc:
        return api_error(400, str(exc), exc.name)
    try:
        response = engine().search(search_request)
        hints = _hints(search_request)
    except IndexerError as exc:
        return api_error(503, unavailable(exc))
    # a hint's `query` is the search's words without the ones it names: what to search with its filter
    return jsonify({**response.to_json(), "hints": hints_json(search_request.q, hints)})


@bp.route("/article")
def article() -> Any:
    article_id = request.args.get("id", "").strip()
    found = engine().article(article_id) if article_id else None
    if found is None:
        return _error_page(404, "Không tìm thấy bài viết",
                           "Bài viết này không có trong kho lưu trữ (có thể địa chỉ bị cắt hoặc bài đã bị gỡ).")
    q = request.args.get("q", "")
    paragraphs = [Markup(mark_query(p, q)) for p in found.body.split("\n") if p.strip()]
    try:
        related = engine().more_like_this(article_id)
    except IndexerError:
        related = []
    return render_template("article.html", article=found, paragraphs=paragraphs,
                           title_html=Markup(mark_query(found.title, q)), related=related, q=q,
                           from_search=bool(search_params()), attachments=_attachment_items(found, q),
                           event_dates=[d.isoformat() for d in article_event_dates(found)],
                           people=article_people(found))


# kind (attachments.sniff) → the Content-Type of an archived copy (its label is FILETYPES', as in the facet)
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# an entry's "method" (parts joined by "+", e.g. "text-layer+ocr") → how the text was read, in plain words
READ_BY = {"text-layer": "lớp chữ của tệp", "ocr": "nhận dạng ký tự (OCR)", "converter": "chuyển đổi định dạng",
           "spreadsheet": "bảng tính", "document": "nội dung văn bản", "import": "dữ liệu nhập vào"}
# an entry's "error" reason (before any ": detail") → what went wrong, for the public
FILE_ERRORS = {
    "empty": "Tệp rỗng.",
    "too large": "Tệp quá lớn nên không được tải về để đọc.",
    "unknown type": "Không phải tệp văn bản đọc được (PDF, Word, Excel…).",
    "encrypted": "Tệp có mật khẩu nên không đọc được nội dung.",
    "corrupt": "Tệp hỏng, không đọc được nội dung.",
    "truncated": "Tệp không trọn vẹn (bị cắt khi tải về hoặc khi đăng).",
    "zip bomb": "Tệp nén bất thường, có thể gây hại, nên không được đọc.",
    "no converter": "Máy chủ chưa có chương trình đọc loại tệp này.",
    "timeout": "Đọc tệp quá thời gian cho phép.",
    "out of memory": "Tệp cần quá nhiều bộ nhớ để đọc.",
    "crashed": "Chương trình đọc tệp gặp lỗi với tệp này.",
    "download failed": "Không tải được tệp từ trang nguồn.",
    "skipped": "Tệp không được tải về (theo cấu hình thu thập).",
}
ARCHIVED_MAX_AGE = 365 * 24 * 3600  # a copy is named by its content: the bytes under a name never change


def _attachment_items(article: Article, q: str) -> list[dict[str, Any]]:
    """What the article page says about each attached file, with its best page for the query `q`."""
    store = FileStore(current_app.config["TRACUU_FILES"])
    terms = query_terms(q) if q.strip() else set()
    matches = {m.url: m for m in attachment_matches(article, terms)} if terms else {}
    return [_attachment_item(entry, store, matches.get(entry.get("url") or "")) for entry in article.attachments]


def _attachment_item(entry: dict[str, Any], store: FileStore, match: AttachmentMatch | None) -> dict[str, Any]:
    name = file_name(entry)
    kind = file_type(entry) or ""
    digest = entry.get("hash") or ""
    size, pages = entry.get("size"), entry.get("pages")
    return {
        "name": name,
        "title": entry.get("title") or name,
        "url": entry.get("url") or "",
        "type": FILETYPES[kind] if kind in CONTENT_TYPES else "",
        "size": size if isinstance(size, int) and size > 0 else None,
        "pages": _page_count(kind, pages) if isinstance(pages, int) and pages > 0 else "",
        "read_by": " và ".join(READ_BY.get(part, part) for part in (entry.get("method") or "").split("+") if part),
        "error": _file_error(entry.get("error")),
        "pending": len(entry.get("ocr_pending") or []),
        "archived": url_for("views.archived_file", digest=digest, ten=name) if store.has(digest) else None,
        "match": match,
        "match_page": _page_label(kind, match.page) if match else "",
    }


def _page_count(kind: str, pages: int) -> str:
    """"3 trang" for a PDF, "2 trang tính" for a workbook; a Word file's text is one block, so nothing."""
    if kind in ("xls", "xlsx"):
        return f"{pages} trang tính"
    return f"{pages} trang" if kind == "pdf" else ""


def _page_label(kind: str, page: int) -> str:
    if kind in ("xls", "xlsx"):
        return f"trang tính {page}"
    return f"trang {page}" if kind == "pdf" else ""


def _file_error(error: str | None) -> str:
    if not error:
        return ""
    reason = error.split(":", 1)[0].strip()
    return FILE_ERRORS.get(reason, "Không đọc được nội dung tệp.")


@bp.route("/tep/<digest>")
def archived_file(digest: str) -> Any:
    """The archived copy of an attached file, by its SHA-256: always a download with the type its bytes have.

    The file is the agency's, not ours: shown inline, an HTML or SVG page in disguise would run on this site, so
    it is never inline, never sniffed by the browser, and sandboxed should a browser render it anyway.
    """
    path = FileStore(current_app.config["TRACUU_FILES"]).path(digest)
    if path is None or not path.is_file():
        return _error_page(404, "Không tìm thấy tệp",
                           "Tệp đính kèm này không có bản lưu trên tracuu (địa chỉ có thể bị cắt hoặc sai).")
    data = path.read_bytes()  # whole: a ZIP package's kind is in its directory, at the end (files are capped)
    kind = sniff(data)
    name = _download_name(request.args.get("ten", ""), kind, digest)
    response = Response(data, mimetype=CONTENT_TYPES.get(kind or "", "application/octet-stream"))
    response.set_etag(digest)
    response.cache_control.public, response.cache_control.max_age = True, ARCHIVED_MAX_AGE
    response.cache_control.immutable = True
    response.make_conditional(request)  # 304 for a copy the browser has, ranges for a long PDF
    response.headers["Content-Disposition"] = (f'attachment; filename="{_ascii_name(name)}"; '
                                               f"filename*=UTF-8''{quote(name, safe='')}")
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _download_name(wanted: str, kind: str | None, digest: str) -> str:
    """The original file name without any path or control character, ending as its bytes say it should."""
    name = unicodedata.normalize("NFC", wanted.replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(c for c in name if c.isprintable()).strip(" .")[:150]
    extension = f".{kind}" if kind else ""
    if not name:
        return f"tep-{digest[:12]}{extension}"
    return name if name.lower().endswith(extension) else name + extension


def _ascii_name(name: str) -> str:
    """The name for browsers that ignore filename*: diacritics dropped, quotes and backslashes replaced."""
    folded = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    ascii_only = "".join(c for c in folded if not unicodedata.combining(c)).encode("ascii", "replace").decode()
    return ascii_only.replace('"', "_").replace("\\", "_").replace("?", "_")


@bp.route("/feed")
def feed() -> Any:
    params = {k: v for k, v in request.args.items() if k in PARAMS}
    params.update(sort="newest", page="1", per_page=params.get("per_page") or "20")
    try:
        search_request = SearchRequest.from_params(params)
        response = engine().search(search_request)
    except InvalidParameter as exc:
        return _error_page(400, "Tham số không hợp lệ", str(exc))
    except IndexerError as exc:
        return _error_page(503, "Chưa có chỉ mục", unavailable(exc))
    page_params = search_params(sort=None, per_page=None)
    xml = atom_feed(response, search_request, self_url=request.url,
                    alternate_url=url_for("views.search", _external=True, **page_params),
                    article_url=lambda i: url_for("views.article", id=i, _external=True))
    return Response(xml, mimetype="application/atom+xml")


@bp.route("/opensearch.xml")
def opensearch() -> Any:
    xml = opensearch_description(search_url=url_for("views.search", _external=True),
                                 feed_url=url_for("views.feed", _external=True),
                                 api_url=url_for("views.api_search", _external=True),
                                 icon_url=url_for("static", filename="favicon.svg", _external=True))
    return Response(xml, mimetype="application/opensearchdescription+xml")


ERROR_TITLES = {400: "Yêu cầu không hợp lệ", 404: "Không tìm thấy trang", 405: "Phương thức không được hỗ trợ"}


@bp.app_errorhandler(HTTPException)
def http_error(exc: HTTPException) -> Any:
    """Werkzeug's own errors (404, 405, a malformed request) in Vietnamese, JSON under /api/."""
    status = exc.code or 500
    if status == 404:
        message = "Địa chỉ này không có trên tracuu."
    elif status == 405:
        message = "Trang này chỉ nhận yêu cầu GET."
    else:
        message = "Yêu cầu không hợp lệ; hãy kiểm tra lại địa chỉ."
    if request.path.startswith("/api/"):
        response, status = api_error(status, message)
    else:
        body, status = _error_page(status, ERROR_TITLES.get(status, "Lỗi"), message)
        response = Response(body, status=status, mimetype="text/html")
    allowed = getattr(exc, "valid_methods", None)
    if allowed:
        response.headers["Allow"] = ", ".join(allowed)
    return response, status


@bp.app_errorhandler(500)
def server_error(_exc: Exception) -> Any:
    if request.path.startswith("/api/"):
        return api_error(500, "Lỗi máy chủ; vui lòng thử lại.")
    return _error_page(500, "Lỗi máy chủ", "Đã có lỗi xảy ra; vui lòng thử lại.")
