"""Pages and the JSON API. Views validate parameters and render; the searching is the engine's
(`indexer.backend.open_search`), reached only through the contract in `indexer.engine`."""

from __future__ import annotations

import time
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, render_template, request, url_for
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

from indexer.engine import (
    FILETYPES,
    MAX_PAGE,
    IndexerError,
    IndexMissingError,
    InvalidParameter,
    SearchEngine,
    SearchRequest,
    SearchResponse,
    mark_query,
)
from webapp.feed import atom_feed, opensearch_description
from webapp.filters import PARAMS, search_params

bp = Blueprint("views", __name__)

FACET_LABELS = {"year": "Năm", "department": "Đơn vị", "category": "Chuyên mục", "site": "Trang nguồn",
                "filetype": "Tệp đính kèm"}
FACET_SHOWN = 12     # facet values listed before "Xem thêm" (the rest fold into <details>)
HOME_NEWEST = 8      # newest posts on the home page: what people come back for
HOME_TTL = 60.0      # seconds the home page's newest posts and counts are reused (a full-index count)
NO_INDEX = "Chưa thể tìm kiếm: chưa có chỉ mục. Người quản trị cần chạy 'tracuu index'."
UNUSABLE_INDEX = ("Chưa thể tìm kiếm: chỉ mục hiện không dùng được (có thể do nâng cấp phiên bản). "
                  "Người quản trị cần chạy 'tracuu index' để dựng lại chỉ mục.")


def _index() -> SearchEngine:
    return current_app.extensions["tracuu_index"]


def _request_from_args(per_page: int | None = None) -> SearchRequest:
    """The search the URL asks for; unknown parameters are ignored, bad values raise InvalidParameter."""
    params: dict[str, Any] = dict(request.args)
    if per_page is not None and not params.get("per_page"):
        params["per_page"] = per_page
    req = SearchRequest.from_params(params)
    if req.date_from and req.date_to and req.date_from > req.date_to:
        raise InvalidParameter("from", f"Ngày bắt đầu ({req.date_from:%d/%m/%Y}) đang sau ngày kết thúc "
                                       f"({req.date_to:%d/%m/%Y}). Hãy đổi lại khoảng thời gian.")
    return req


def _unavailable(exc: IndexerError) -> str:
    """Why searching is unavailable, for the public: no index yet, or one that must be rebuilt."""
    return NO_INDEX if isinstance(exc, IndexMissingError) else UNUSABLE_INDEX


def _error_page(status: int, title: str, message: str) -> tuple[str, int]:
    return render_template("error.html", title=title, message=message), status


def _api_error(status: int, message: str, parameter: str | None = None) -> tuple[Response, int]:
    """Every API error has this one shape, whatever the status."""
    return jsonify({"error": message, "parameter": parameter}), status


@bp.route("/")
def search() -> Any:
    try:
        search_request = _request_from_args(current_app.config["TRACUU_PER_PAGE"])
    except InvalidParameter as exc:
        return _error_page(400, "Tham số không hợp lệ", str(exc))
    started = time.perf_counter()
    try:
        if not search_params():
            return _home()
        response = _index().search(search_request)
    except IndexerError as exc:
        return _error_page(503, "Chưa có chỉ mục", _unavailable(exc))
    return render_template("search.html", req=search_request, res=response, labels=FACET_LABELS,
                           filetypes=FILETYPES, shown=FACET_SHOWN, chart=_year_chart(response), pages=_pages(response),
                           elapsed=time.perf_counter() - started)


def _home() -> str:
    """The page without a search: the search box, tips, and the newest posts.

    Counting facets over the whole index is the most expensive search there is, and the home page
    is the most visited one: its answer is reused for HOME_TTL seconds (new posts show within a minute).
    """
    cached = current_app.extensions.get("tracuu_home")
    if cached is not None and time.monotonic() - cached[0] < HOME_TTL:
        newest = cached[1]
    else:
        newest = _index().search(SearchRequest(sort="newest", per_page=HOME_NEWEST))
        current_app.extensions["tracuu_home"] = (time.monotonic(), newest)
    return render_template("search.html", req=None, res=None, newest=newest, labels=FACET_LABELS)


def _pages(res: SearchResponse) -> dict[str, Any]:
    if res.total == 0:
        return {}
    last = min(MAX_PAGE, max(1, -(-res.total // res.per_page)))  # deeper pages are refused (400)
    window = range(max(1, res.page - 3), min(last, res.page + 3) + 1)
    return {"last": last, "window": list(window), "prev": res.page - 1 if res.page > 1 else None,
            "next": res.page + 1 if res.page < last else None}


def _year_chart(res: SearchResponse) -> list[dict[str, Any]]:
    """Bars for the timeline: every year between the first and last with a match, oldest first."""
    counts = {int(f.value): f.count for f in res.facets.get("year", []) if f.value.isdigit()}
    if not counts:
        return []
    top = max(counts.values())
    return [{"year": y, "count": counts.get(y, 0), "height": round(100 * counts.get(y, 0) / top)}
            for y in range(min(counts), max(counts) + 1)]


@bp.route("/api/search")
def api_search() -> Any:
    try:
        search_request = _request_from_args()
    except InvalidParameter as exc:
        return _api_error(400, str(exc), exc.name)
    try:
        response = _index().search(search_request)
    except IndexerError as exc:
        return _api_error(503, _unavailable(exc))
    return jsonify(response.to_json())


@bp.route("/article")
def article() -> Any:
    article_id = request.args.get("id", "").strip()
    found = _index().article(article_id) if article_id else None
    if found is None:
        return _error_page(404, "Không tìm thấy bài viết",
                           "Bài viết này không có trong kho lưu trữ (có thể địa chỉ bị cắt hoặc bài đã bị gỡ).")
    q = request.args.get("q", "")
    paragraphs = [Markup(mark_query(p, q)) for p in found.body.split("\n") if p.strip()]
    try:
        related = _index().more_like_this(article_id)
    except IndexerError:
        related = []
    return render_template("article.html", article=found, paragraphs=paragraphs,
                           title_html=Markup(mark_query(found.title, q)), related=related, q=q,
                           from_search=bool(search_params()))


@bp.route("/feed")
def feed() -> Any:
    params = {k: v for k, v in request.args.items() if k in PARAMS}
    params.update(sort="newest", page="1", per_page=params.get("per_page") or "20")
    try:
        search_request = SearchRequest.from_params(params)
        response = _index().search(search_request)
    except InvalidParameter as exc:
        return _error_page(400, "Tham số không hợp lệ", str(exc))
    except IndexerError as exc:
        return _error_page(503, "Chưa có chỉ mục", _unavailable(exc))
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
        response, status = _api_error(status, message)
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
        return _api_error(500, "Lỗi máy chủ; vui lòng thử lại.")
    return _error_page(500, "Lỗi máy chủ", "Đã có lỗi xảy ra; vui lòng thử lại.")
